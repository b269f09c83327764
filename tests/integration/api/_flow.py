"""The flow the app's frontend goes through, against any client with httpx's interface."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx
    from fastapi.testclient import TestClient


def frontend_flow(http: TestClient | httpx.Client, headers: dict[str, str]) -> None:
    """Create an image, three drafts, navigate, mark primary, edit, delete one, delete it."""

    def call(method: str, path: str, status: int, body: object = None) -> Any:
        response = http.request(method, path, json=body, headers=headers)
        assert response.status_code == status, f"{method} {path}: {response.text}"
        return response.json() if response.content else None

    image = call("POST", "/images", 201, {"url": "https://cdn.example.test/a.png",
                                          "storage_path": "a.png"})  # fmt: skip
    assert [i["id"] for i in call("GET", "/images", 200)["items"]] == [image["id"]]
    variants = f"/images/{image['id']}/variants"

    texts = ["Slow push-in on the face.", "She smiles and waves.", "Orbit around her."]
    ids = [
        call("POST", variants, 201, {"kind": "draft", "prompt_text": text})["id"] for text in texts
    ]
    listed = call("GET", variants, 200)
    assert listed["total"] == 3
    assert [(v["id"], v["position"], v["total"]) for v in listed["items"]] == [
        (ids[0], 1, 3),
        (ids[1], 2, 3),
        (ids[2], 3, 3),
    ]
    second = call("GET", f"/variants/{ids[1]}", 200)  # "2 von 3", then next and previous
    assert (second["position"], second["total"], second["prompt_text"]) == (2, 3, texts[1])

    assert call("POST", f"/variants/{ids[1]}/primary", 200)["is_primary"] is True
    assert call("POST", f"/variants/{ids[2]}/primary", 200)["is_primary"] is True
    primary = [v["id"] for v in call("GET", variants, 200)["items"] if v["is_primary"]]
    assert primary == [ids[2]]

    edit = {"prompt_text": "A slow dolly-in.", "camera_style": "dolly", "film_effects": ["noir"]}
    edited = call("PATCH", f"/variants/{ids[0]}", 200, edit)
    assert {key: edited[key] for key in edit} == edit

    call("DELETE", f"/variants/{ids[1]}", 204)
    after = call("GET", variants, 200)
    assert [(v["id"], v["position"], v["total"]) for v in after["items"]] == [
        (ids[0], 1, 2),
        (ids[2], 2, 2),
    ]

    call("DELETE", f"/images/{image['id']}", 204)
    call("GET", f"/images/{image['id']}", 404)
    call("GET", f"/variants/{ids[0]}", 404)
    assert call("GET", "/images", 200)["items"] == []
