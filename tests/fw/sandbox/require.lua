-- No require in the sandbox.
require("os")
