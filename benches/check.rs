//! Criterion benchmarks of the engine on the real fixtures: one check of each, and a batch
//! on one core (reports per second = the `thrpt` criterion prints for `batch`).
//! `bash bench/run` runs these and reads criterion's estimates; results are recorded in
//! BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nianbao::{check, Options};

fn fixture(name: &str) -> Vec<u8> {
    let local = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let example = format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(local)
        .or_else(|_| std::fs::read(example))
        .expect("fixture")
}

fn bench(c: &mut Criterion) {
    let minhe = fixture("minhe-2020.txt");
    let huaian = fixture("huaian-2024.txt");
    let options = Options::default();
    c.bench_function("check minhe-2020.txt", |b| {
        b.iter(|| check(std::hint::black_box(&minhe), &options).unwrap())
    });
    c.bench_function("check huaian-2024.txt", |b| {
        b.iter(|| check(std::hint::black_box(&huaian), &options).unwrap())
    });
    // A Word document read natively: unzip, XML, grid, then the same reader and rules.
    let template = fixture("template-2021.docx");
    c.bench_function("check template-2021.docx", |b| {
        b.iter(|| check(std::hint::black_box(&template), &options).unwrap())
    });
    // A PDF read natively: objects, Flate, fonts' maps, text placed, lines rebuilt.
    let huaian_pdf = fixture("huaian-2024.pdf");
    c.bench_function("check huaian-2024.pdf", |b| {
        b.iter(|| check(std::hint::black_box(&huaian_pdf), &options).unwrap())
    });
    let pingtan = fixture("pingtan-2023.html");
    c.bench_function("check pingtan-2023.html", |b| {
        b.iter(|| check(std::hint::black_box(&pingtan), &options).unwrap())
    });
    let report = check(&minhe, &options).unwrap().report;
    let canonical = serde_json::to_vec(&report).unwrap();
    c.bench_function("check minhe-2020 canonical JSON", |b| {
        b.iter(|| check(std::hint::black_box(&canonical), &options).unwrap())
    });
    // The same without the prose: the tables alone, what a portal's form of fields posts.
    let mut tables = serde_json::to_value(&report).unwrap();
    for prose in ["preamble", "sections", "extra_sections"] {
        tables.as_object_mut().unwrap().remove(prose);
    }
    let tables = serde_json::to_vec(&tables).unwrap();
    c.bench_function("check minhe-2020 canonical JSON, tables only", |b| {
        b.iter(|| check(std::hint::black_box(&tables), &options).unwrap())
    });
    let batch: Vec<&[u8]> = [minhe.as_slice(), huaian.as_slice()].repeat(50);
    let mut group = c.benchmark_group("batch");
    group.throughput(Throughput::Elements(batch.len() as u64));
    group.bench_function("100 text reports, one core", |b| {
        b.iter(|| {
            for r in &batch {
                check(std::hint::black_box(r), &options).unwrap();
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
