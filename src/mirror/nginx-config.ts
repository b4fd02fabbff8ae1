/**
 * The nginx config `hf serve --mirror --nginx` writes into DIR/.locks/hubkit-mirror/nginx/: nginx in
 * front of one or more mirror apps (an `upstream` block: replicas on one store), listening on
 * loopback, `daemon off` (it runs as hf serve's child), logs in the same folder.
 *
 * API calls and /resolve go to an app; an app that has a blob answers `X-Accel-Redirect:
 * /_hubkit_store/<repo folder>/blobs/<etag>` and nginx sends the file from the `internal` location
 * (https://nginx.org/en/docs/http/ngx_http_core_module.html#internal) with sendfile, Range and
 * If-Range. An X-Accel-Redirect keeps only some of the app's headers (Content-Type,
 * Content-Disposition...), so the Hub's are set again from the app's answer: the ETag from
 * `X-Hubkit-Etag` (with `etag off`, `add_header ETag` is the ETag nginx's range filter compares
 * If-Range with, so a resume validated by the blob's sha256 works) and X-Repo-Commit.
 */
export interface NginxConfigOptions {
  /** Folder for nginx's pid, logs and temp files. */
  prefix: string;
  /** The store (the hub cache) the internal location serves. */
  dataDir: string;
  host: string;
  port: number;
  /** `host:port` of each mirror app (replica). */
  apps: string[];
  /** Set when nginx runs as root: its workers then read the store as this user. */
  user?: string | undefined;
}

/** nginx quoting for a path: "..." with `"` and `\` escaped. */
function q(path: string): string {
  return `"${path.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export function renderNginxConfig(o: NginxConfigOptions): string {
  const listen = o.host.includes(":") ? `[${o.host}]:${o.port}` : `${o.host}:${o.port}`;
  const p = (name: string) => q(`${o.prefix}/${name}`);
  return `# Written by hf serve --mirror --nginx; rewritten on every start.
daemon off;
worker_processes 2;
pid ${p("nginx.pid")};
error_log ${p("error.log")} warn;
${o.user ? `user ${o.user};\n` : ""}events { worker_connections 1024; }

http {
  default_type application/octet-stream;
  # No header values (Authorization) are logged, and no URL carries a secret.
  log_format hubkit '$remote_addr [$time_local] "$request" $status $body_bytes_sent $request_time internal="$uri" app=$upstream_addr';
  access_log ${p("access.log")} hubkit;
  client_body_temp_path ${p("tmp/body")};
  proxy_temp_path ${p("tmp/proxy")};
  fastcgi_temp_path ${p("tmp/fastcgi")};
  uwsgi_temp_path ${p("tmp/uwsgi")};
  scgi_temp_path ${p("tmp/scgi")};
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 65;
  server_tokens off;

  upstream hubkit_mirror_apps {
${o.apps.map((a) => `    server ${a};`).join("\n")}
    keepalive 32;
  }

  server {
    listen ${listen};
    client_max_body_size 1m;

    location / {
      proxy_pass http://hubkit_mirror_apps;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_buffering off;
      # A caller may wait for a big blob's first fetch from the upstream before its first byte.
      proxy_read_timeout 900s;
    }

    location ${"/_hubkit_store/"} {
      internal;
      alias ${q(`${o.dataDir}/`)};
      max_ranges 1;
      etag off;
      add_header ETag $upstream_http_x_hubkit_etag always;
      add_header X-Repo-Commit $upstream_http_x_repo_commit always;
      add_header X-Hubkit-Mirror 1 always;
      add_header Cache-Control "private, max-age=0, must-revalidate" always;
    }
  }
}
`;
}
