"""The application the chart in app/chart/shop deploys (a stand-in: the example is about the chart)."""

from http.server import BaseHTTPRequestHandler, HTTPServer


class Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"shop\n")


if __name__ == "__main__":
    HTTPServer(("0.0.0.0", 8080), Hello).serve_forever()  # noqa: S104 - a container's server
