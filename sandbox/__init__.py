"""An Evolution API 2.3.6 simulator for the demo and the tests; see `sandbox.app` and `sandbox.control`."""
