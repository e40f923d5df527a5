//! The sandbox on a socket: [`Sandbox`] for tests and the tour (127.0.0.1, port 0), and
//! [`serve`] for the `kyc-sandbox` binary.
//!
//! The accept loop is hyper's, not `axum::serve`, for one reason: the `drop` fault must close
//! a connection without writing a response, which a hyper service does by returning an error.
//! Shutdown is graceful: the listener closes, in-flight requests finish (up to
//! [`SHUTDOWN_GRACE`]), idle keep-alive connections are closed.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower::ServiceExt as _;

use crate::app::{DroppedConnection, SandboxApp};
use crate::config::SandboxConfig;
use crate::iluma::CallbackLog;
use crate::observe::RequestLog;

/// How long shutdown waits for in-flight requests.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A running sandbox, listening on a local port. Dropping it stops the server.
///
/// ```no_run
/// # async fn run() -> std::io::Result<()> {
/// let sandbox = kyc_sandbox::Sandbox::start().await?;
/// let kredibel = sandbox.kredibel_url(); // http://127.0.0.1:PORT/kredibel
/// let iluma = sandbox.iluma_url(); // http://127.0.0.1:PORT/iluma
/// # let _ = (kredibel, iluma);
/// assert_eq!(sandbox.requests().total(), 0);
/// sandbox.shutdown().await;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Sandbox {
    app: SandboxApp,
    local_addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl Sandbox {
    /// Starts a default sandbox on 127.0.0.1, on a port the system picks.
    pub async fn start() -> io::Result<Self> {
        Self::start_with(SandboxConfig::default()).await
    }

    /// Starts a sandbox configured with `config` on 127.0.0.1, on a port the system picks.
    pub async fn start_with(config: SandboxConfig) -> io::Result<Self> {
        Self::bind(SocketAddr::from(([127, 0, 0, 1], 0)), config).await
    }

    /// Starts a sandbox configured with `config` on `addr`.
    pub async fn bind(addr: SocketAddr, config: SandboxConfig) -> io::Result<Self> {
        let listener = listen(addr)?;
        let local_addr = listener.local_addr()?;
        let app = SandboxApp::new(config);
        let (stop, stopped) = oneshot::channel();
        let router = app.router();
        let task = tokio::spawn(serve(listener, router, async {
            let _ = stopped.await;
        }));
        Ok(Self {
            app,
            local_addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The address the sandbox listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.local_addr)
    }

    /// The base URL of the vendor called `name` (its spec's `info.x-vendor`),
    /// `http://127.0.0.1:PORT/<name>`, for `Environment::Custom`; `None` when the sandbox does
    /// not serve it.
    pub fn url(&self, name: &str) -> Option<String> {
        self.app
            .vendors()
            .any(|vendor| vendor == name)
            .then(|| format!("{}/{name}", self.base_url()))
    }

    /// The Kredibel base URL, `http://127.0.0.1:PORT/kredibel`, for
    /// `Environment::Custom`.
    pub fn kredibel_url(&self) -> String {
        self.url("kredibel").unwrap_or_else(|| self.base_url())
    }

    /// The Iluma base URL, `http://127.0.0.1:PORT/iluma`, for `Environment::Custom`.
    pub fn iluma_url(&self) -> String {
        self.url("iluma").unwrap_or_else(|| self.base_url())
    }

    /// The request counters.
    pub fn requests(&self) -> RequestLog {
        self.app.requests()
    }

    /// The Iluma callback deliveries.
    pub fn callbacks(&self) -> CallbackLog {
        self.app.callbacks()
    }

    /// The app behind the socket (callback URLs, token, router).
    pub fn app(&self) -> &SandboxApp {
        &self.app
    }

    /// Stops accepting, lets in-flight requests finish, and waits for the server to end.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The receive buffer of each connection: a whole request with a ~1 MB image fits the TCP
/// window, so a client never waits on window updates (or delayed ACKs) mid-request.
const RECEIVE_BUFFER: u32 = 2 * 1024 * 1024;

/// A listener on `addr` for [`serve`], with the socket options the sandbox wants.
pub fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    // Best effort: the system may cap it, which only costs speed.
    let _ = socket.set_recv_buffer_size(RECEIVE_BUFFER);
    socket.bind(addr)?;
    socket.listen(1024)
}

/// The error a connection ends with when a `drop` fault closes it.
#[derive(Debug, thiserror::Error)]
#[error("connection dropped by an injected fault")]
struct Dropped;

/// Serves `router` on `listener` until `shutdown` completes, then shuts down gracefully.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send,
) -> io::Result<()> {
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let router = router.clone();
            async move {
                let response = router
                    .oneshot(request.map(Body::new))
                    .await
                    .unwrap_or_else(|never| match never {});
                if response.extensions().get::<DroppedConnection>().is_some() {
                    return Err(Dropped);
                }
                Ok(response)
            }
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // Client resets and dropped-by-fault connections end here; nothing to report.
            let _ = connection.await;
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("in-flight requests did not finish within the grace period");
    }
    Ok(())
}
