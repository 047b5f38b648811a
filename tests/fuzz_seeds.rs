//! Writes the generated layouts (tests/generate) as seeds of the ingest_text fuzz target:
//! the real reports (minhe-2020, huaian-2024) and a consistent report of each template,
//! rendered in every layout, clean and with random damage. Ignored: `fuzz/seed.sh` runs it
//! with `FUZZ_SEEDS=DIR cargo test --release --test fuzz_seeds -- --ignored`.

mod generate;

use generate::{consistent, render, Damage, Layout, Rng};
use nianbao::template::Version;
use serde_json::Value;

#[test]
#[ignore = "writes fuzz seeds; run by fuzz/seed.sh"]
fn write_fuzz_seeds() {
    let dir = std::env::var("FUZZ_SEEDS").expect("FUZZ_SEEDS: the directory to write");
    std::fs::create_dir_all(&dir).unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let mut reports: Vec<(String, Value)> = Vec::new();
    for (name, path) in [
        ("minhe-2020", "examples/minhe-2020.txt"),
        ("huaian-2024", "tests/fixtures/huaian-2024.txt"),
    ] {
        let bytes = std::fs::read(format!("{root}/{path}")).unwrap();
        let report = nianbao::normalize(&bytes).unwrap();
        reports.push((name.to_string(), serde_json::to_value(report).unwrap()));
    }
    let mut rng = Rng::new(12);
    reports.push(("made-2019".into(), consistent(&mut rng, Version::V2019)));
    reports.push(("made-2021".into(), consistent(&mut rng, Version::V2021)));
    for (name, report) in &reports {
        for (i, layout) in Layout::ALL.iter().enumerate() {
            for damaged in [false, true] {
                let damage = Damage::random(&mut rng, !damaged);
                let text = render(report, *layout, &damage, &mut rng).text;
                let kind = if damaged { "damaged" } else { "clean" };
                std::fs::write(format!("{dir}/gen-{name}-{i}-{kind}.txt"), text).unwrap();
            }
        }
    }
}
