"""The training room: one laptop serves 10–30 participants, each in their own copy of the demo, behind
an access code (cli.py starts it; session.py, its folder; gate.py, the door; limiter.py, guesses;
connections.py, the workspaces one server process holds; network.py, addresses and QR code;
proxy.py, nginx in front of several server processes)."""
