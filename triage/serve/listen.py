"""Check, before any server starts, that it can listen where it is asked to.

granian binds with SO_REUSEPORT, so a second server on a busy port starts
without complaint and the kernel shares the connections between the two,
which may hold different rule sets. gunicorn retries for seconds and
waitress fails with a traceback. One check here makes all of them stop
first with one line.
"""

import errno
import ipaddress
import socket


class AddressError(RuntimeError):
    """The address cannot be listened on; the message is one line for the operator."""


def check_address(host: str, port: int) -> str:
    """The IP address to listen on for `host`; raises AddressError if it cannot be used."""
    address = _resolve(host)
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # SO_REUSEADDR as the servers set it (so a port in TIME_WAIT is not
        # "busy"), but not SO_REUSEPORT: then a listening socket makes bind fail.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((address, port))
            probe.listen(1)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise AddressError(f"port {port} on {address} is already in use (is another hsg-triage running?)") from None
            if error.errno == errno.EACCES:
                raise AddressError(f"not allowed to listen on port {port} (ports below 1024 need privileges)") from None
            raise AddressError(f"--host {host}: cannot listen on {address} ({error.strerror})") from None
    return address


def _resolve(host: str) -> str:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise AddressError(f"--host {host!r}: not an IP address or a name this machine can resolve") from None
    return infos[0][4][0]
