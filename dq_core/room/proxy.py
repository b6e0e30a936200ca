"""Several server processes behind Debian's nginx: its configuration, sticky by participant.

Every request of a participant goes to the same process (hash of the room's cookie), so their copy is
only ever opened by that one; the code page always goes to the first process, so the guess counter of
the whole room lives in one place.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from dq_core.room.gate import COOKIE, ENTRY


def nginx_path() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def nginx_config(folder: Path, listen: str, port: int, backends: list[int], upload_mb: int) -> str:
    servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=0;" for p in backends)
    temp = folder / "nginx"
    headers = """proxy_set_header Host $http_host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_read_timeout 1d;
      proxy_buffering off;"""
    return f"""# Written by Data & Quartiers for one training session; removed with it.
worker_processes 1;
daemon off;
pid {temp}/nginx.pid;
error_log {temp}/error.log warn;
events {{ worker_connections 2048; }}
http {{
  access_log off;
  server_tokens off;
  client_max_body_size {upload_mb + 1}m;
  client_body_temp_path {temp}/body;
  proxy_temp_path {temp}/proxy;
  fastcgi_temp_path {temp}/fastcgi;
  uwsgi_temp_path {temp}/uwsgi;
  scgi_temp_path {temp}/scgi;
  map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
  upstream salle {{
    hash $cookie_{COOKIE} consistent;
{servers}
  }}
  upstream entree {{
    server 127.0.0.1:{backends[0]};
  }}
  server {{
    listen {listen}:{port};
    location = {ENTRY} {{
      proxy_pass http://entree;
      {headers}
    }}
    location / {{
      proxy_pass http://salle;
      {headers}
    }}
  }}
}}
"""


def write_nginx_config(folder: Path, listen: str, port: int, backends: list[int], upload_mb: int) -> Path:
    (folder / "nginx").mkdir(exist_ok=True)
    path = folder / "nginx" / "nginx.conf"
    path.write_text(nginx_config(folder, listen, port, backends, upload_mb), encoding="utf-8")
    return path
