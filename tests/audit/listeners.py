#!/usr/bin/env python3
"""listeners.py: open the sockets an audit test expects, then wait.

Arguments: tcp:ADDR:PORT, udp:ADDR:PORT (ADDR [::] binds dual-stack) and
join:GROUP:IFADDR. Writes READY_FILE once every socket is open and sleeps
until killed, at most 60 s. Only binds; sends nothing.
"""
import socket
import sys
import time

ready, specs = sys.argv[1], sys.argv[2:]
held = []
for spec in specs:
    kind, rest = spec.split(":", 1)
    addr, port = rest.rsplit(":", 1)
    addr = addr.strip("[]")
    if kind == "join":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        mreq = socket.inet_aton(addr) + socket.inet_aton(port)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    else:
        family = socket.AF_INET6 if ":" in addr else socket.AF_INET
        s = socket.socket(family, socket.SOCK_STREAM if kind == "tcp" else socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.bind((addr, int(port)))
        if kind == "tcp":
            s.listen(8)
    held.append(s)
with open(ready, "w") as f:
    f.write("ready\n")
time.sleep(60)
