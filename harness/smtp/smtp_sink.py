#!/usr/bin/python3
"""SMTP sink of the FusionDirectory Orchestrator test/demo harness.

Run it with Debian's /usr/bin/python3 (package python3-aiosmtpd); a pyenv or
venv python does not see Debian's dist-packages.  In the docker-compose setup
it runs on python:3.11-slim with `pip install aiosmtpd`.

Listeners (each one optional, port 0 = off):
  --plain-port     plain SMTP, AUTH optional (offered without TLS), no STARTTLS
  --starttls-port  STARTTLS required before anything else, then AUTH required
  --tls-port       implicit TLS (smtps), AUTH required
AUTH (PLAIN/LOGIN) accepts exactly --user/--password (mailer / mailer-pass).

Every accepted message is stored atomically as
  <maildir>/msg-<seq:06d>-<unix time with ms>.eml
made of these header lines, then the raw bytes exactly as received (after
SMTP dot-unstuffing), CRLF line ends:
  X-Envelope-From: <MAIL FROM address>
  X-Envelope-To: <address>            (one line per accepted envelope recipient)
  X-Envelope-Listener: plain|starttls|tls
  X-Envelope-Auth: <login> | none
All prepended lines start with "X-Envelope-"; strip those to get the message.

Fault injection (re-evaluated on every RCPT and DATA):
  * local part starting with "reject550" -> 550 5.1.1 <addr>: user unknown
  * local part starting with "defer451"  -> 451 4.3.0 temporarily deferred
  * <control-dir>/mode containing one of (anything else, a missing or an
    unreadable file all mean "accept"):
      accept           (default) every message is stored and gets 250
      defer451         every RCPT gets 451
      defer451:<addr>  only RCPT <addr> gets 451 (a recipient greylisted alone)
      reject550        every RCPT gets 550
      drop-after-data  the message is stored as in accept mode, then the
                       connection is closed without any reply to the data
                       (the client cannot know it was delivered)
      delay:<ms>       accept mode, but the 250 after the data comes <ms>
                       milliseconds after the message was stored (e.g.
                       delay:20 caps one connection at about 50 messages/s)
Every new TCP connection increments a counter that is rewritten (as a decimal
integer) into --connections-file; it starts at 0 when the sink starts.

Prints "sink up ..." once all listeners accept connections, and stops cleanly
on SIGTERM/SIGINT (exit status 0).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import signal
import ssl
import sys
import tempfile
import threading
import time

try:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
except ImportError:  # pragma: no cover - environment problem
    sys.stderr.write(
        "smtp_sink: cannot import aiosmtpd; install python3-aiosmtpd (Debian) and run "
        "with /usr/bin/python3, or `pip install aiosmtpd`\n")
    sys.exit(2)


def log(msg: str) -> None:
    sys.stdout.write(time.strftime("%Y-%m-%dT%H:%M:%S ") + msg + "\n")
    sys.stdout.flush()


class Store:
    """Shared state of all listeners: message sequence, connection counter, mode."""

    def __init__(self, maildir: str, control_dir: str, connections_file: str):
        self.maildir = maildir
        self.control_dir = control_dir
        self.connections_file = connections_file
        self.lock = threading.Lock()
        os.makedirs(maildir, exist_ok=True)
        os.makedirs(control_dir, exist_ok=True)
        os.makedirs(os.path.dirname(os.path.abspath(connections_file)), exist_ok=True)
        self.seq = self._last_seq()
        self.connections = 0
        self.counting = False

    def _last_seq(self) -> int:
        last = 0
        for name in os.listdir(self.maildir):
            if name.startswith("msg-") and name.endswith(".eml"):
                try:
                    last = max(last, int(name.split("-")[1]))
                except (IndexError, ValueError):
                    pass
        return last

    def _write_atomic(self, path: str, data: bytes) -> None:
        d = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=d)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise

    def reset_connections(self) -> None:
        with self.lock:
            self.connections = 0
            self.counting = True
            self._write_atomic(self.connections_file, b"0\n")

    def connection(self) -> None:
        with self.lock:
            if not self.counting:  # the controllers' own start-up probes
                return
            self.connections += 1
            self._write_atomic(self.connections_file, f"{self.connections}\n".encode())

    def mode(self) -> str:
        try:
            with open(os.path.join(self.control_dir, "mode"), encoding="utf-8") as f:
                value = f.read().strip().lower()
        except OSError:
            return "accept"
        if value in ("accept", "defer451", "reject550", "drop-after-data"):
            return value
        if value.startswith("delay:") and value[len("delay:"):].isdigit():
            return value
        if value.startswith("defer451:") and "@" in value:
            return value
        return "accept"

    def save(self, headers: list[str], raw: bytes) -> str:
        with self.lock:
            self.seq += 1
            seq = self.seq
        name = "msg-%06d-%.3f.eml" % (seq, time.time())
        head = "".join(h + "\r\n" for h in headers).encode("utf-8", "surrogateescape")
        self._write_atomic(os.path.join(self.maildir, name), head + raw)
        return name


class Handler:
    def __init__(self, store: Store, listener: str):
        self.store = store
        self.listener = listener

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.rsplit("@", 1)[0].lower() if address else ""
        mode = self.store.mode()
        if local.startswith("reject550") or mode == "reject550":
            log(f"[{self.listener}] RCPT {address} -> 550")
            return f"550 5.1.1 <{address}>: user unknown"
        only = mode[len("defer451:"):].strip().lower() if mode.startswith("defer451:") else None
        if local.startswith("defer451") or mode == "defer451" or (only and (address or "").lower() == only):
            log(f"[{self.listener}] RCPT {address} -> 451")
            return "451 4.3.0 temporarily deferred"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if not envelope.rcpt_tos:
            return "554 5.5.1 no valid recipients"
        raw = envelope.original_content
        if raw is None:
            raw = envelope.content if isinstance(envelope.content, bytes) else \
                (envelope.content or "").encode("utf-8", "surrogateescape")
        login = "none"
        if getattr(session, "authenticated", False):
            data = getattr(session, "auth_data", None)
            if isinstance(data, LoginPassword):
                login = data.login.decode("utf-8", "replace")
            else:
                login = "yes"
        headers = [f"X-Envelope-From: {envelope.mail_from or ''}"]
        headers += [f"X-Envelope-To: {rcpt}" for rcpt in envelope.rcpt_tos]
        headers += [f"X-Envelope-Listener: {self.listener}", f"X-Envelope-Auth: {login}"]
        try:
            name = self.store.save(headers, raw)
        except OSError as err:  # answer instead of leaving the client hanging
            log(f"[{self.listener}] cannot store message: {err}")
            return "451 4.3.0 cannot store message"
        log(f"[{self.listener}] stored {name} from={envelope.mail_from} "
            f"to={','.join(envelope.rcpt_tos)} auth={login} bytes={len(raw)}")
        mode = self.store.mode()
        if mode == "drop-after-data":
            log(f"[{self.listener}] {name}: closing the connection without a reply")
            server.transport.close()
            # connection_lost() cancels this handler: nothing is ever answered.
            await asyncio.sleep(3600)
            return "421 4.3.0 closing"
        if mode.startswith("delay:"):
            await asyncio.sleep(int(mode[len("delay:"):]) / 1000)
        return "250 2.0.0 Message accepted for delivery"


def make_authenticator(user: str, password: str):
    def authenticator(server, session, envelope, mechanism, auth_data):
        # handled=False: let aiosmtpd send the 535 itself (the default
        # handled=True sends nothing and the client hangs).
        if isinstance(auth_data, LoginPassword) and \
                auth_data.login == user.encode() and auth_data.password == password.encode():
            return AuthResult(success=True, handled=False, auth_data=auth_data)
        return AuthResult(success=False, handled=False)
    return authenticator


class CountingSMTP(SMTP):
    store: Store = None  # set per controller

    def connection_made(self, transport):
        # connection_made runs again on the same object after STARTTLS:
        # count the TCP connection once.
        if not getattr(self, "_sink_counted", False):
            self._sink_counted = True
            self.store.connection()
        super().connection_made(transport)


class SinkController(Controller):
    def __init__(self, handler, store: Store, **kwargs):
        self.store = store
        super().__init__(handler, **kwargs)

    def factory(self):
        smtp = CountingSMTP(self.handler, **self.SMTP_kwargs)
        smtp.store = self.store
        return smtp


def main() -> int:
    env = os.environ.get
    p = argparse.ArgumentParser(description="SMTP sink for the orchestrator tests")
    p.add_argument("--host", default=env("SINK_HOST", "127.0.0.1"))
    p.add_argument("--plain-port", type=int, default=int(env("SINK_PLAIN_PORT", "2525")))
    p.add_argument("--starttls-port", type=int, default=int(env("SINK_STARTTLS_PORT", "0")))
    p.add_argument("--tls-port", type=int, default=int(env("SINK_TLS_PORT", "0")))
    p.add_argument("--cert", default=env("SINK_CERT"), help="PEM certificate (needed by the TLS listeners)")
    p.add_argument("--key", default=env("SINK_KEY"), help="PEM private key")
    p.add_argument("--maildir", default=env("SINK_MAILDIR", "maildir"))
    p.add_argument("--control-dir", default=env("SINK_CONTROL_DIR", "control"))
    p.add_argument("--connections-file", default=env("SINK_CONNECTIONS_FILE", "connections"))
    p.add_argument("--user", default=env("SINK_USER", "mailer"))
    p.add_argument("--password", default=env("SINK_PASSWORD", "mailer-pass"))
    p.add_argument("--hostname", default=env("SINK_HOSTNAME", "localhost"),
                   help="name announced in the banner/EHLO")
    a = p.parse_args()

    store = Store(a.maildir, a.control_dir, a.connections_file)
    authenticator = make_authenticator(a.user, a.password)
    common = dict(server_hostname=a.hostname, authenticator=authenticator,
                  data_size_limit=64 * 1024 * 1024, enable_SMTPUTF8=True, decode_data=False)

    tls_ctx = None
    if a.starttls_port or a.tls_port:
        if not (a.cert and a.key):
            p.error("--cert and --key are required for --starttls-port/--tls-port")
        tls_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_ctx.load_cert_chain(a.cert, a.key)

    controllers = []
    if a.plain_port:
        controllers.append(("plain", a.plain_port, SinkController(
            Handler(store, "plain"), store, hostname=a.host, port=a.plain_port,
            auth_required=False, auth_require_tls=False, **common)))
    if a.starttls_port:
        controllers.append(("starttls", a.starttls_port, SinkController(
            Handler(store, "starttls"), store, hostname=a.host, port=a.starttls_port,
            tls_context=tls_ctx, require_starttls=True, auth_required=True,
            auth_require_tls=True, **common)))
    if a.tls_port:
        # With implicit TLS aiosmtpd does not see the session as TLS, so AUTH
        # must not require it or it is never advertised.
        controllers.append(("tls", a.tls_port, SinkController(
            Handler(store, "tls"), store, hostname=a.host, port=a.tls_port,
            ssl_context=tls_ctx, auth_required=True, auth_require_tls=False, **common)))
    if not controllers:
        p.error("no listener configured")

    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    started = []
    try:
        for name, port, ctl in controllers:
            ctl.start()
            started.append(ctl)
        store.reset_connections()
        log("sink up " + " ".join(f"{name}={a.host}:{port}" for name, port, _ in controllers)
            + f" maildir={os.path.abspath(a.maildir)} pid={os.getpid()}")
        while not stop.wait(1.0):
            pass
        log("sink stopping (signal)")
    finally:
        for ctl in reversed(started):
            try:
                ctl.stop()
            except Exception as err:  # pragma: no cover
                log(f"error while stopping a listener: {err}")
    log("sink stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
