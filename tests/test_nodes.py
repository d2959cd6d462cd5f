"""The writing tree: create, read with ancestors and children, edit with versions, delete, link."""


def test_create_and_read_a_thread(alice):
    root = alice.write("Root entry")
    child = alice.write("A reply", parent_id=root["id"])
    grandchild = alice.write("Deeper", parent_id=child["id"])
    alice.write("Second branch", parent_id=root["id"])

    data = alice.get(f"/api/nodes/{child['id']}").get_json()
    assert data["content"] == "A reply" and data["author"] == alice.username
    assert [a["id"] for a in data["ancestors"]] == [root["id"]]
    assert [c["id"] for c in data["children"]] == [grandchild["id"]]

    top = alice.get(f"/api/nodes/{root['id']}").get_json()
    assert top["ancestors"] == []
    assert [c["preview"] for c in top["children"]] == ["A reply", "Second branch"]
    first = top["children"][0]
    assert first["child_count"] == 1 and first["descendant_count"] == 1

    deep = alice.get(f"/api/nodes/{grandchild['id']}").get_json()
    assert [a["id"] for a in deep["ancestors"]] == [root["id"], child["id"]]  # root first


def test_long_content_is_previewed(alice):
    root = alice.write("r")
    alice.write("word " * 100, parent_id=root["id"])
    preview = alice.get(f"/api/nodes/{root['id']}").get_json()["children"][0]["preview"]
    assert len(preview) <= 201 and preview.endswith("…")


def test_validation_names_the_field(alice):
    empty = alice.post("/api/nodes/", json={"content": ""})
    assert empty.status_code == 422 and "content" in empty.get_json()["error"]
    wrong_type = alice.post("/api/nodes/", json={"content": "x", "parent_id": "abc"})
    assert wrong_type.status_code == 422 and "parent_id" in wrong_type.get_json()["error"]
    missing_parent = alice.post("/api/nodes/", json={"content": "x", "parent_id": 99999999})
    assert missing_parent.status_code == 404
    assert alice.get("/api/nodes/99999999").status_code == 404


def test_edit_keeps_old_text_as_version(alice):
    node = alice.write("first draft")
    resp = alice.put(f"/api/nodes/{node['id']}", json={"content": "second draft"})
    assert resp.status_code == 200 and resp.get_json()["content"] == "second draft"
    alice.put(f"/api/nodes/{node['id']}", json={"content": "third draft"})
    versions = alice.get(f"/api/nodes/{node['id']}/versions").get_json()["items"]
    assert [v["content"] for v in versions] == ["first draft", "second draft"]


def test_only_the_author_edits_or_deletes(alice, bob):
    node = alice.write("mine", privacy="public")
    assert bob.get(f"/api/nodes/{node['id']}").status_code == 200
    assert bob.put(f"/api/nodes/{node['id']}", json={"content": "yours now"}).status_code == 403
    assert bob.delete(f"/api/nodes/{node['id']}").status_code == 403
    assert alice.get(f"/api/nodes/{node['id']}").get_json()["content"] == "mine"


def test_private_nodes_are_invisible_to_others(alice, bob, make_user):
    secret = alice.write("my secret")
    assert secret["privacy"] == "private"  # the default
    assert bob.get(f"/api/nodes/{secret['id']}").status_code == 404
    assert bob.post("/api/nodes/", json={"content": "reply", "parent_id": secret["id"]}).status_code == 404
    admin = make_user(admin=True)
    assert admin.get(f"/api/nodes/{secret['id']}").status_code == 404  # administrators read no private writing


def test_private_ancestor_is_hidden_in_a_public_thread(alice, bob):
    root = alice.write("private root")
    public_child = alice.write("public child", parent_id=root["id"], privacy="public")
    data = bob.get(f"/api/nodes/{public_child['id']}").get_json()
    assert data["ancestors"] == [{"id": root["id"], "hidden": True}]


def test_delete_keeps_version_and_thread(alice):
    root = alice.write("root")
    middle = alice.write("to be deleted", parent_id=root["id"])
    leaf = alice.write("leaf", parent_id=middle["id"])
    assert alice.delete(f"/api/nodes/{middle['id']}").status_code == 204
    assert alice.get(f"/api/nodes/{middle['id']}").status_code == 410
    versions = alice.get(f"/api/nodes/{root['id']}").get_json()["children"]
    assert versions == []  # deleted nodes are left out of children
    leaf_view = alice.get(f"/api/nodes/{leaf['id']}").get_json()
    assert leaf_view["ancestors"][0]["id"] == root["id"]


def test_link_an_existing_node(alice):
    target = alice.write("an older thought")
    parent = alice.write("new thread")
    resp = alice.post(f"/api/nodes/{parent['id']}/link", json={"node_id": target["id"]})
    assert resp.status_code == 201
    link = resp.get_json()
    assert link["node_type"] == "link" and link["linked_node_id"] == target["id"]
    assert link["linked_node"]["preview"] == "an older thought"


def test_cannot_link_what_you_cannot_read(alice, bob):
    secret = alice.write("private")
    mine = bob.write("bob's")
    assert bob.post(f"/api/nodes/{mine['id']}/link", json={"node_id": secret["id"]}).status_code == 404
