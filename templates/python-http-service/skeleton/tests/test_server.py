import json
import threading
import unittest
from urllib.error import HTTPError
from urllib.request import Request, urlopen

from app.server import create_server


class ServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = create_server(host="127.0.0.1", port=0)
        cls.base_url = f"http://127.0.0.1:{cls.server.server_port}"
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()

    def request(self, path, method="GET"):
        """Returns (status, headers, JSON body), for error statuses too."""
        try:
            with urlopen(Request(self.base_url + path, method=method)) as res:
                return res.status, res.headers, json.load(res)
        except HTTPError as err:
            with err:
                return err.code, err.headers, json.load(err)

    def test_reports_itself_healthy(self):
        status, _, body = self.request("/healthz")
        self.assertEqual(status, 200)
        self.assertEqual(body, {"status": "ok"})

    def test_greets_the_name_it_is_given(self):
        status, headers, body = self.request("/api/greeting?name=Ada")
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("application/json"))
        self.assertEqual(body, {"message": "Hello, Ada!"})

    def test_greets_the_world_when_no_name_is_given(self):
        _, _, body = self.request("/api/greeting")
        self.assertEqual(body, {"message": "Hello, world!"})

    def test_rejects_a_name_that_is_too_long_saying_why(self):
        status, _, body = self.request("/api/greeting?name=" + "a" * 101)
        self.assertEqual(status, 400)
        self.assertEqual(body, {"error": "name must be 1 to 100 characters long (got 101)"})

    def test_answers_404_for_an_unknown_path_and_405_for_a_wrong_method(self):
        status, _, _ = self.request("/nope")
        self.assertEqual(status, 404)
        status, headers, _ = self.request("/api/greeting", method="POST")
        self.assertEqual(status, 405)
        self.assertEqual(headers["Allow"], "GET")


if __name__ == "__main__":
    unittest.main()
