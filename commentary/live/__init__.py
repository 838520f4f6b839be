"""Live delivery: the per-process hub, the fans' sockets and the doorbell between processes."""
