-- No load in the sandbox.
load("return 1")()
