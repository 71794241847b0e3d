-- No os in the sandbox.
os.execute("touch /tmp/berth-sandbox-pwned")
