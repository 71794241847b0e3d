-- No io in the sandbox.
io.open("/etc/passwd")
