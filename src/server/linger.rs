//! Lingering: the rest of a request body that was answered before it was read is read and
//! discarded, within bounds, before the answer goes out — as nginx's lingering close does.
//!
//! A client that sends its whole body before it reads the answer (Python's `urllib` and
//! `requests`, most intake back-ends) sees a broken pipe when the server answers early (413
//! over the size limit, 415, 503…) and closes with bytes still unread: the kernel resets the
//! connection and the answer is lost. So every request body is tapped on its way to the
//! routes; when the answer comes before the body's end, the rest is read and dropped — at
//! most [`LINGER_FACTOR`] × the body limit in all, for at most [`LINGER_TIME`] — and the
//! answer is sent then. If the bound is reached first, the answer goes out with
//! `Connection: close` and the connection is closed: a client that sends without end is not
//! waited for. A client that asked `Expect: 100-continue` and was answered before its body
//! was asked for has sent none: nothing is read, the connection is closed after the answer.
//!
//! Hand-written because no crate does it: tower-http's limits answer early and leave the
//! connection to hyper, which closes it.

use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use http_body::{Body as HttpBody, Frame, SizeHint};
use http_body_util::BodyExt;

/// The most a body is read in all, answered or not: this many times the body limit.
pub const LINGER_FACTOR: usize = 4;

/// The longest the rest of an answered body is read for.
pub const LINGER_TIME: Duration = Duration::from_secs(5);

/// Around every route: reads what the route left of the body, then lets the answer go.
pub async fn linger(State(max_body): State<usize>, req: Request, next: Next) -> Response {
    let expects_continue = req
        .headers()
        .get(header::EXPECT)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    let (parts, body) = req.into_parts();
    let tap = Tap::new(body);
    let mut response = next
        .run(Request::from_parts(parts, Body::new(tap.clone())))
        .await;
    if tap.finished() {
        return response;
    }
    // Asked for nothing, a client that expects `100 Continue` has sent nothing: reading
    // would invite the body.
    let invited = !expects_continue || tap.polled();
    let drained = invited && tap.drain(max_body.saturating_mul(LINGER_FACTOR)).await;
    if !drained {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// A request body shared between the route, which reads what it needs, and [`linger`],
/// which reads the rest.
#[derive(Clone)]
struct Tap(Arc<Mutex<Tapped>>);

struct Tapped {
    body: Body,
    /// Bytes of data read so far, by the route and the drain together.
    read: usize,
    /// The body was asked for a frame at least once.
    polled: bool,
    /// The body ended, or failed: there is nothing more to read.
    done: bool,
}

impl Tap {
    fn new(body: Body) -> Self {
        Tap(Arc::new(Mutex::new(Tapped {
            body,
            read: 0,
            polled: false,
            done: false,
        })))
    }

    fn state(&self) -> MutexGuard<'_, Tapped> {
        // A route that panicked while reading leaves the body as it was: still readable.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn finished(&self) -> bool {
        let s = self.state();
        s.done || s.body.is_end_stream()
    }

    fn polled(&self) -> bool {
        self.state().polled
    }

    /// Reads and drops the rest of the body; true when its end was reached within `bound`
    /// bytes in all and [`LINGER_TIME`].
    async fn drain(&self, bound: usize) -> bool {
        let announced = {
            let s = self.state();
            s.read.saturating_add(s.body.size_hint().lower() as usize)
        };
        if announced > bound {
            return false;
        }
        let mut rest = self.clone();
        let reading = async {
            loop {
                match rest.frame().await {
                    None => return true,
                    Some(Err(_)) => return false,
                    Some(Ok(_)) if self.state().read > bound => return false,
                    Some(Ok(_)) => {}
                }
            }
        };
        tokio::time::timeout(LINGER_TIME, reading)
            .await
            .unwrap_or(false)
    }
}

impl HttpBody for Tap {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let mut s = self.state();
        s.polled = true;
        let polled = Pin::new(&mut s.body).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                let n = frame.data_ref().map_or(0, Bytes::len);
                s.read = s.read.saturating_add(n);
            }
            Poll::Ready(None | Some(Err(_))) => s.done = true,
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        let s = self.state();
        s.done || s.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.state().body.size_hint()
    }
}
