//! `nianbao serve` over real HTTP on 127.0.0.1: the real binary started on a free port,
//! talked to with ureq, with raw TCP where a request must be malformed or held half-sent, and
//! with Python's urllib where a client's own way of sending matters. The server answers
//! exactly what `nianbao check --format json` prints; every error is a JSON 4xx; limits
//! answer 413, 408, 503, and every client reads the answer; SIGTERM loses no request in flight.

mod answers;
mod harness;
mod limits;
mod pg;
mod reference;
mod store;
mod tokens;
