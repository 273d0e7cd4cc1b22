"""Runs the service: python -m app (PORT sets the port, default ${{ values.port }})."""

import json
import logging
import os
import signal
import sys
import threading
from datetime import datetime, timezone

from app.server import create_server


class JsonFormatter(logging.Formatter):
    """One JSON object per line, which the cluster's log collectors parse."""

    def format(self, record):
        line = {
            "time": datetime.now(timezone.utc).isoformat(),
            "level": record.levelname.lower(),
            "service": "${{ values.name }}",
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        return json.dumps(line)


def main():
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    logger = logging.getLogger("${{ values.name }}")

    port = int(os.environ.get("PORT", "${{ values.port }}"))
    server = create_server(port=port)

    # Kubernetes sends SIGTERM before it stops the pod: stop accepting
    # requests, finish the ones in flight, then exit.
    def stop(signum, _frame):
        logger.info("Shutting down", extra={"fields": {"signal": signal.Signals(signum).name}})
        threading.Thread(target=server.shutdown).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    logger.info("Listening", extra={"fields": {"port": port}})
    server.serve_forever()
    server.server_close()


if __name__ == "__main__":
    main()
