#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: Kismet's REST surface, row by row from doc/rest.md's table
#
# Parses the endpoint table of doc/rest.md and, against the real core
# (a finished capture and the framework's test radio as sources) and
# its real web worker, calls every row marked "yes" or "added" with
# every method and in every format the row claims, with a real HTTP
# client.  Each row has a check here that looks at the answer's content
# (and a row without one fails, so the doc and the test cannot drift).
# Every format of a row must carry the same records: msgpack decodes to
# what JSON says, prettyjson is indented JSON, itjson and ekjson give
# the list a record a line (ekjson with "_" for ".").  Then the set_channel
# rules: 400 for a channel the source cannot take, 404 an unknown source,
# 409 a source closed or paused, 502 a helper that refused, and a rate
# alone keeping the channel list.  Output is TAP.
#
# Usage: test_rest.py OSPREY OSPREY_WEB OSPREY_CAP_PCAPFILE
#                     OSPREY_CAP_TESTCHAN REST_MD

import base64
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse

import msgpack

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import harness  # noqa: E402

OSPREY, WEB, PCAPFILE, TESTCHAN, REST_MD = [os.path.abspath(a) for a in
                                            sys.argv[1:6]]
CAPS = os.environ.get("OSPREY_CAPTURES", "")
MAIN_CAP = "ehn1225-airodump__sample2.pcap"     # 74 APs, radiotap
CLIENT_CAP = "ehn1225-airodump__80211-icmp.pcap"  # APs with clients
REMOTE_CAP = "aircrack-ng__test1.pcap"
HANDSHAKE_CAP = "aircrack-ng__testm1m2m3.pcap"  # a beacon, EAPOL M1-M3
TOWER = (48.8584, 2.2945, 35)
USER, PASSWORD = "tester", "Rest-Password-42"
FORMATS = {"json", "msgpack", "itjson", "ekjson", "prettyjson"}


def cap(name):
    return os.path.join(CAPS, name)


# The table

def parse_table(path):
    """The rows between the rest-table markers of doc/rest.md."""
    with open(path) as f:
        text = f.read()
    m = re.search(r"<!-- rest-table begin -->\n(.*?)<!-- rest-table end",
                  text, re.S)
    assert m, "no rest-table markers in " + path
    rows = []
    for line in m.group(1).splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        assert len(cells) == 5, line
        ep, methods, formats, state, notes = cells
        assert ep.startswith("`") and ep.endswith("`"), line
        assert state in ("yes", "no", "added"), line
        assert state != "no" or notes, "a 'no' needs a reason: " + line
        rows.append({"endpoint": ep.strip("`"),
                     "methods": methods.split(),
                     "formats": [] if formats == "-" else formats.split(),
                     "state": state, "notes": notes})
    return rows


# The core

class Core(harness.Core):
    """osprey with a scratch helper folder, config and home; the test
    radio stands in as the linuxwifi helper."""

    def __init__(self, sources, home=None, logging=False):
        super().__init__(
            {"osprey": OSPREY, "osprey_cap_pcapfile": PCAPFILE,
             "osprey_cap_linux_wifi": TESTCHAN, "osprey_web": WEB},
            # The kismetdb log too, for its pcapng export row.
            ["log_prefix={tmp}/",
             "enable_logging=%s" % ("true" if logging else "false"),
             "log_types=pcapng,kismet", "channel_hop=false"] +
            # A fixed position and a browser's, for the /gps rows.
            ["gps=virtual:lat=%.4f,lon=%.4f,alt=%d,name=tower" % TOWER,
             "gps=web:name=phone"],
            sources, login=(USER, PASSWORD), home=home,
            prefix="osprey-rest-test-", start_timeout=60)

    def stop(self):
        return super().stop(20)


# Decoding and comparing the formats

def decode(fmt, data):
    if fmt == "msgpack":
        return msgpack.unpackb(data, strict_map_key=False)
    if fmt in ("itjson", "ekjson"):
        return [json.loads(x) for x in data.decode().splitlines() if x]
    return json.loads(data)


def ek(o):
    """What ekjson makes of a JSON value: "." in keys becomes "_"."""
    if isinstance(o, dict):
        return {k.replace(".", "_"): ek(v) for k, v in o.items()}
    if isinstance(o, list):
        return [ek(v) for v in o]
    return o


def shape(o):
    """Keys and lengths, not values (timestamps move between calls)."""
    if isinstance(o, dict):
        return {k: shape(v) if isinstance(v, (dict, list)) else None
                for k, v in o.items()}
    if isinstance(o, list):
        return [len(o)] + ([shape(o[0])] if o else [])
    return None


def lines_of(canon, wrap):
    if isinstance(canon, list):
        return canon
    if wrap is not None and isinstance(canon, dict) and wrap in canon:
        return canon[wrap]
    return [canon]


def same_shape(fmt, canon, got, wrap):
    if fmt in ("itjson", "ekjson"):
        want = lines_of(canon, wrap)
        if fmt == "ekjson":
            want = ek(want)
        assert shape(got) == shape(want), (fmt, shape(got), shape(want))
        return
    assert shape(got) == shape(canon), (fmt, shape(got), shape(canon))


def devices_ok(v, n_min=1):
    assert isinstance(v, list) and len(v) >= n_min, v
    for d in v:
        assert re.match(r"^[0-9A-F]{16}_[0-9A-F]{12}$",
                        d["kismet.device.base.key"]), d
        assert d["kismet.device.base.phyname"] == "IEEE802.11"
    return v


# Per-row checks

DEV_FIELDS = ["kismet.device.base.key", "kismet.device.base.macaddr"]


class Row:
    """How one table row is called and what its answer must hold."""

    def __init__(self, check=None, fields=None, wrap=None, post=None,
                 run=None):
        self.check = check      # (ctx, value) on the JSON answer
        self.fields = fields    # POST {"fields": ...}: the keys kept
        self.wrap = wrap        # the list inside a wrapped answer
        self.post = post        # a POST body of the row's own (no fields)
        self.run = run          # (ctx, row) for commands and streams


def chk_status(ctx, v):
    assert v["kismet.system.server_name"] == "osprey"
    assert v["kismet.system.devices.count"] == len(ctx["devices"])


def chk_timestamp(ctx, v):
    assert abs(v["kismet.system.timestamp.sec"] - time.time()) < 60


def chk_user_status(ctx, v):
    assert v["osprey.session.logged_in"] is True


def chk_all_devices(ctx, v):
    devs = devices_ok(v, len(ctx["devices"]))
    assert ctx["ap"]["kismet.device.base.key"] in \
        {d["kismet.device.base.key"] for d in devs}


def chk_last_time(ctx, v):
    assert v["kismet.devicelist.timestamp"] > 0
    devices_ok(v["kismet.device.list"], len(ctx["devices"]))


def chk_by_key(ctx, v):
    assert v["kismet.device.base.key"] == ctx["KEY"]
    assert v["kismet.device.base.macaddr"] == ctx["MAC"]


def chk_field(ctx, v):
    assert v == ctx["ap"]["kismet.device.base.packets.total"], v


def chk_by_mac(ctx, v):
    assert [d["kismet.device.base.key"] for d in v] == [ctx["KEY"]]
    # A mask matches every device under it, and only those.
    prefix = ctx["MAC"][:8]
    want = {d["kismet.device.base.key"] for d in ctx["devices"]
            if d["kismet.device.base.macaddr"].startswith(prefix)}
    for form in ["%s:00:00:00/FF:FF:FF:00:00:00" % prefix,
                 "%s:00:00:00/24" % prefix.lower()]:
        got = ctx["core"].get_json("/devices/by-mac/%s/devices.json" %
                                   urllib.parse.quote(form, safe=":"))
        assert {d["kismet.device.base.key"] for d in got} == want, form
    assert len(want) >= 1


def chk_multimac(ctx, v):
    assert [d["kismet.device.base.key"] for d in v] == [ctx["KEY"]]


def chk_multikey(ctx, v):
    assert {d["kismet.device.base.key"] for d in v} == \
        {ctx["KEY"], ctx["other_key"]}


def chk_multikey_obj(ctx, v):
    assert set(v) == {ctx["KEY"], ctx["other_key"]}
    assert v[ctx["KEY"]]["kismet.device.base.macaddr"] == ctx["MAC"]


def chk_by_phy(ctx, v):
    assert len(devices_ok(v)) == len(ctx["devices"])
    assert ctx["core"].get_json("/devices/by-phy/NoSuchPhy/devices.json") \
        == []


def chk_all_views(ctx, v):
    views = {x["kismet.devices.view.id"]: x["kismet.devices.view.size"]
             for x in v}
    assert views["all"] == len(ctx["devices"])
    assert views["phydot11_accesspoints"] == len(ctx["aps"])
    assert views["phy-IEEE802.11"] == len(ctx["devices"])
    assert views["seenby-" + ctx["UUID"]] == len(ctx["seen_main"])
    assert 0 < len(ctx["seen_main"]) < len(ctx["devices"])
    assert views["seenby-" + ctx["RADIO"]] == 0


def chk_view(ctx, v):
    # VIEW is phy-IEEE802.11: every device; the paging of views works.
    assert len(devices_ok(v)) == len(ctx["devices"])
    c = ctx["core"]
    page = c.get_json("/devices/views/seenby-%s/devices.json?start=2&"
                      "length=5" % ctx["UUID"])
    assert len(page) == 5
    assert {d["kismet.device.base.key"] for d in page} <= ctx["seen_main"]
    assert c.get_json("/devices/views/seenby-%s/devices.json" %
                      ctx["RADIO"]) == []
    st, _, _ = c.request("GET", "/devices/views/nosuch/devices.json")
    assert st == 404


def chk_view_last(ctx, v):
    assert len(devices_ok(v)) == len(ctx["devices"])
    far = ctx["core"].get_json("/devices/views/%s/last-time/%d/devices."
                               "json" % (ctx["VIEW"], time.time() + 3600))
    assert far == []


def chk_phys(ctx, v):
    assert v[0]["kismet.phy.phy_name"] == "IEEE802.11"
    assert v[0]["kismet.phy.device_count"] == len(ctx["devices"])


def chk_clients(ctx, v):
    assert {d["kismet.device.base.key"] for d in v} == ctx["clients"]
    assert ctx["clients"]


def chk_related(ctx, v):
    # Others advertising one of its SSIDs, or sharing a client.
    ssids = {s["dot11.advertisedssid.ssid"] for s in
             ctx["ap"]["dot11.device"]["dot11.device.advertised_ssid_map"]
             if s["dot11.advertisedssid.ssid"]}
    keys = {d["kismet.device.base.key"] for d in v}
    assert ctx["KEY"] not in keys
    for d in v:
        theirs = {s["dot11.advertisedssid.ssid"] for s in
                  d["dot11.device"].get("dot11.device.advertised_ssid_map",
                                        [])}
        shared = set(d["dot11.device"].get("dot11.device.client_map", {}))
        assert theirs & ssids or shared & set(
            ctx["ap"]["dot11.device"].get("dot11.device.client_map", {})), d


def chk_types(ctx, v):
    t = {x["kismet.datasource.driver.type"]: x for x in v}
    assert set(t) == {"linuxwifi", "pcapfile"}
    assert t["linuxwifi"]["kismet.datasource.driver.tune_capable"] is True
    assert t["pcapfile"]["kismet.datasource.driver.tune_capable"] is False


def chk_defaults(ctx, v):
    assert v["kismet.datasourcetracker.default.hop"] is False  # config
    assert v["kismet.datasourcetracker.default.hop_rate"] > 0


def chk_sources(ctx, v):
    assert {s["kismet.datasource.name"] for s in v} >= {"main", "radio"}


def chk_source(ctx, v):
    assert v["kismet.datasource.uuid"] == ctx["UUID"]
    assert v["kismet.datasource.name"] == "main"


def chk_interfaces(ctx, v):
    # The test radio's helper lists chan0, and the radio source uses it.
    by = {i["kismet.datasource.probed.interface"]: i for i in v}
    assert "chan0" in by, v
    assert by["chan0"]["kismet.datasource.probed.in_use_uuid"] == \
        ctx["RADIO"]
    assert by["chan0"]["kismet.datasource.type_driver"][
        "kismet.datasource.driver.type"] == "linuxwifi"


def chk_messages(ctx, v):
    assert any("started" in m["kismet.messagebus.message_string"]
               for m in v), v


def chk_messages_since(ctx, v):
    assert v["kismet.messagebus.timestamp"] > 0
    chk_messages(ctx, v["kismet.messagebus.list"])


def chk_alert_defs(ctx, v):
    d = {x["kismet.alert.definition.header"]: x for x in v}
    assert d["RESTTEST"]["kismet.alert.definition.description"] == \
        "raised by the REST test"
    assert d["RESTTEST"]["kismet.alert.definition.limit_rate"] == 100
    assert d["RESTTEST"]["kismet.alert.definition.total_sent"] >= 1


def chk_alerts(ctx, v):
    mine = [a for a in v if a["kismet.alert.header"] == "RESTTEST"]
    assert mine and mine[0]["kismet.alert.text"] == "test alert"
    assert mine[0]["kismet.alert.source_mac"] == "00:11:22:33:44:55"


def chk_alerts_since(ctx, v):
    assert v["kismet.alert.timestamp"] > 0
    chk_alerts(ctx, v["kismet.alert.list"])


def chk_alert_by_id(ctx, v):
    assert v["osprey.alert.id"] == ctx["ALERTID"], v
    assert v["kismet.alert.header"] == "RESTTEST", v
    st, _, _ = ctx["core"].request("GET", "/alerts/by-id/999999/alert.json")
    assert st == 404, st


def chk_channels(ctx, v):
    assert any(s["kismet.datasource.uuid"] == ctx["RADIO"]
               for s in v["osprey.channels.sources"])


def chk_gps_drivers(ctx, v):
    classes = {d["kismet.gps.type.class"] for d in v}
    assert {"gpsd", "serial", "tcp", "virtual", "web"} <= classes, classes


def chk_all_gps(ctx, v):
    names = {g["kismet.gps.name"]: g for g in v}
    assert {"tower", "phone"} <= set(names), names
    t = names["tower"]
    assert t["osprey.gps.state"] == "fix" and t["osprey.gps.best"], t
    assert t["kismet.gps.location"]["kismet.common.location.geopoint"] == \
        [TOWER[1], TOWER[0]], t


def chk_location(ctx, v):
    # The 3D virtual fix wins over the web GPS's 2D one.
    assert v["kismet.common.location.fix"] == 3, v
    assert v["kismet.common.location.valid"] is True, v
    assert v["kismet.common.location.geopoint"] == [TOWER[1], TOWER[0]], v
    assert v["kismet.common.location.alt"] == TOWER[2], v
    assert v["kismet.common.location.gps_uuid"] == ctx["GPSUUID"], v


def chk_all_locations(ctx, v):
    assert v[ctx["GPSUUID"]]["kismet.common.location.geopoint"] == \
        [TOWER[1], TOWER[0]], v


def chk_gps_uuid_location(ctx, v):
    assert v["kismet.common.location.fix"] == 3, v


def chk_map(ctx, v):
    # No tiles unless httpd_map_tiles names some: the map is offline.
    assert v == {"osprey.map.tiles": "", "osprey.map.tiles_error": ""}, v


def chk_track(ctx, v):
    assert [TOWER[1], TOWER[0]] == v["osprey.gps.track"][0][:2], v


def run_web_gps(ctx, row):
    """A browser's position: JSON or a form; then the 3D fix still wins."""
    c = ctx["core"]
    path = row["endpoint"] + ".cmd"
    g = c.get_json(path, "POST", {"lat": 51.5, "lon": -0.12, "spd": 4})
    assert g["kismet.gps.name"] == "phone", g
    assert g["kismet.gps.location"]["kismet.common.location.geopoint"] == \
        [-0.12, 51.5], g
    assert g["kismet.gps.location"]["kismet.common.location.speed"] == 4
    st, _, data = c.request("POST", path, {"lat": "51.6", "lon": "-0.2"},
                            form=True)
    assert st == 200, (st, data)
    for bad in [{"lat": 91, "lon": 0}, {"lon": 1}, {"lat": "x", "lon": 1},
                {"lat": 1, "lon": 2, "alt": "high"}]:
        st, _, _ = c.request("POST", path, bad)
        assert st == 400, (bad, st)
    st, _, _ = c.request("POST", path, {"lat": 1, "lon": 2,
                                        "name": "nosuch"})
    assert st == 404, st
    loc = c.get_json("/gps/location.json")
    assert loc["kismet.common.location.gps_uuid"] == ctx["GPSUUID"]


def run_add_gps(ctx, row):
    c = ctx["core"]
    path = row["endpoint"] + ".cmd"
    g = c.get_json(path, "POST", {"definition":
                                  "virtual:lat=1,lon=2,name=resttest"})
    assert g["kismet.gps.name"] == "resttest", g
    st, _, _ = c.request("POST", path, {"definition":
                                        "virtual:lat=1,lon=2,name=resttest"})
    assert st == 409, st
    for bad in ["nosuch:x=1", "virtual:lat=100,lon=0", "serial"]:
        st, _, data = c.request("POST", path, {"definition": bad})
        assert st == 400, (bad, st, data)
    st, _, _ = c.request("POST", path, {"nodefinition": 1})
    assert st == 400, st
    ctx["ADDED"] = g["kismet.gps.uuid"]


def run_remove_gps(ctx, row):
    c = ctx["core"]
    for m in row["methods"]:
        g = c.get_json("/gps/add_gps.cmd", "POST", {
            "definition": "virtual:lat=3,lon=4,name=gone-" + m})
        path = "/gps/by-uuid/%s/remove_gps.cmd" % g["kismet.gps.uuid"]
        v = c.get_json(path, m, {} if m == "POST" else None)
        assert v["osprey.gps.removed"] is True, v
        st, _, _ = c.request(m, path)
        assert st == 404, st
        assert g["kismet.gps.uuid"] not in {
            x["kismet.gps.uuid"] for x in c.get_json("/gps/all_gps.json")}


def run_geojson(ctx, row):
    """Devices with a location (all, here: the tower's) as GeoJSON."""
    c = ctx["core"]
    for m in row["methods"]:
        st, r, data = c.request(m, row["endpoint"] + ".geojson")
        assert st == 200, (st, data[:200])
        assert r.getheader("Content-Type") == "application/geo+json"
        v = json.loads(data)
        assert v["type"] == "FeatureCollection"
        macs = {f["properties"]["mac"] for f in v["features"]}
        assert ctx["MAC"] in macs, ctx["MAC"]
        f = v["features"][0]
        assert f["geometry"]["coordinates"] == [TOWER[1], TOWER[0]], f


def chk_rrd(ctx, v):
    assert len(v["kismet.common.rrd.minute_vec"]) == 60
    assert len(v["kismet.common.rrd.hour_vec"]) == 60
    assert len(v["kismet.common.rrd.day_vec"]) == 24
    assert abs(v["kismet.common.rrd.last_time"] - time.time()) < 60


def chk_rate(ctx, v):
    chk_rrd(ctx, v)
    # The capture's packets were counted in the last minute or hour.
    total = sum(v["kismet.common.rrd.minute_vec"]) + \
        60 * sum(v["kismet.common.rrd.hour_vec"])
    assert total >= ctx["packets"] * 0.9, (total, ctx["packets"])


def chk_packet_stats(ctx, v):
    assert set(v) == {"kismet.packetchain." + k for k in [
        "packets_rrd", "peak_packets_rrd", "error_packets_rrd",
        "dupe_packets_rrd", "processed_packets_rrd", "dropped_packets_rrd"]}
    chk_rate(ctx, v["kismet.packetchain.packets_rrd"])


def chk_log_drivers(ctx, v):
    assert [d["kismet.logfile.driver.class"] for d in v] == ["pcapng"]


def chk_log_active(ctx, v):
    # The test's core writes a pcapng log into its scratch folder.
    assert len(v) == 1, v
    assert v[0]["kismet.logfile.path"].startswith(ctx["core"].tmp)
    assert v[0]["kismet.logfile.path"].endswith(".pcapng")
    assert os.path.exists(v[0]["kismet.logfile.path"])
    assert v[0]["kismet.logfile.open"] is True
    assert v[0]["osprey.logfile.packets"] >= ctx["packets"] * 0.9


def chk_streams(ctx, v):
    assert isinstance(v, list)


def chk_plugins(ctx, v):
    assert [p["kismet.plugin.name"] for p in v] == ["resttest"]


# Commands, streams and the rows without an extension

def run_check_login(ctx, row):
    c = ctx["core"]
    path = row["endpoint"]
    for m in row["methods"]:
        st, _, _ = c.request(m, path)
        assert st == 200, (path, m, st)
        st, _, _ = c.request(m, path, auth=False)
        assert st == 401, (path, m, st)


def run_setup_ok(ctx, row):
    st, _, data = ctx["core"].request("GET", row["endpoint"], auth=False)
    assert st == 200 and json.loads(data)["status"] == 200


def run_set_name(ctx, row):
    c = ctx["core"]
    base = "/devices/by-key/%s/" % ctx["KEY"]
    v = c.get_json(base + "set_name.cmd", "POST", {"username": "Lobby AP"})
    assert v["kismet.device.base.username"] == "Lobby AP"
    d = c.get_json(base + "device.json")
    assert d["kismet.device.base.username"] == "Lobby AP"
    # As in Kismet, the user's name becomes the common name.
    assert d["kismet.device.base.commonname"] == "Lobby AP"
    st, _, _ = c.request("POST", "/devices/by-key/0000000000000000_"
                         "000000000000/set_name.cmd", {"username": "x"})
    assert st == 404
    st, _, _ = c.request("POST", base + "set_name.cmd", {"name": "x"})
    assert st == 400


def run_set_tag(ctx, row):
    c = ctx["core"]
    base = "/devices/by-key/%s/" % ctx["KEY"]
    v = c.get_json(base + "set_tag.cmd", "POST",
                   {"tagname": "note", "tagvalue": "by the stairs"})
    assert v["kismet.device.base.tags"] == {"note": "by the stairs"}
    c.get_json(base + "set_tag.cmd", "POST",
               {"tagname": "gone", "tagvalue": "soon"})
    v = c.get_json(base + "set_tag.cmd", "POST",
                   {"tagname": "gone", "tagvalue": ""})
    assert v["kismet.device.base.tags"] == {"note": "by the stairs"}
    d = c.get_json(base + "device.json")
    assert d["kismet.device.base.tags"] == {"note": "by the stairs"}


def run_define_alert(ctx, row):
    c = ctx["core"]
    path = row["endpoint"] + ".cmd"
    c.get_json(path, "POST", {"name": "RESTTEST",
                              "description": "raised by the REST test",
                              "throttle": "100/min", "burst": "50/sec"})
    st, _, _ = c.request("POST", path, {"name": "RESTTEST",
                                        "description": "again"})
    assert st == 409, st
    st, _, _ = c.request("POST", path, {"name": "BAD", "description": "x",
                                        "throttle": "ten/min"})
    assert st == 400, st
    c.get_json(path, "POST", {"name": "RESTONE", "description": "once",
                              "throttle": "1/min"}, )


def run_raise_alert(ctx, row):
    c = ctx["core"]
    path = row["endpoint"] + ".cmd"
    v = c.get_json(path, "POST", {"name": "RESTTEST", "text": "test alert",
                                  "source": "00:11:22:33:44:55",
                                  "channel": "6"})
    assert v["kismet.alert.header"] == "RESTTEST"
    st, _, _ = c.request("POST", path, {"name": "NOSUCH", "text": "x"})
    assert st == 404, st
    st, _, _ = c.request("POST", path, {"name": "RESTTEST", "text": "x",
                                        "bssid": "not-a-mac"})
    assert st == 400, st
    # Over its throttle: refused, counted, not listed.
    c.get_json(path, "POST", {"name": "RESTONE", "text": "first"})
    st, _, _ = c.request("POST", path, {"name": "RESTONE", "text": "second"})
    assert st == 429, st
    texts = [a["kismet.alert.text"] for a in
             c.get_json("/alerts/all_alerts.json")]
    assert "first" in texts and "second" not in texts
    ctx["ALERTID"] = [a["osprey.alert.id"] for a in
                      c.get_json("/alerts/all_alerts.json")
                      if a["kismet.alert.header"] == "RESTTEST"][0]


def run_alert_pcapng(ctx, row):
    # An alert raised by a script kept no frame (test/alerts fetches one
    # that did).
    c = ctx["core"]
    st, _, data = c.request("GET", fill(row["endpoint"], ctx) + ".pcapng")
    assert st == 404 and b"no frame" in data, (st, data[:200])
    st, _, _ = c.request("GET", "/alerts/by-id/x/packets.pcapng")
    assert st == 404, st


def run_add_source(ctx, row):
    c = ctx["core"]
    v = c.get_json(row["endpoint"] + ".cmd", "POST",
                   {"definition": "%s:name=added" % cap(MAIN_CAP)},)
    assert v["kismet.datasource.name"] == "added"
    st, _, _ = c.request("POST", row["endpoint"] + ".cmd",
                         {"definition": "x:bad=\""})
    assert st == 400


def run_set_channel(ctx, row):
    c = ctx["core"]
    base = "/datasource/by-uuid/%s/" % ctx["RADIO"]
    v = c.get_json(base + "set_channel.cmd", "POST", {"channel": "6"})
    assert v["kismet.datasource.channel"] == "6"
    assert v["kismet.datasource.hopping"] is False


def run_set_hop(ctx, row):
    c = ctx["core"]
    path = "/datasource/by-uuid/%s/set_hop.cmd" % ctx["RADIO"]
    for m in row["methods"]:
        c.get_json("/datasource/by-uuid/%s/set_channel.cmd" % ctx["RADIO"],
                   "POST", {"channel": "1"})
        v = c.get_json(path, m, {} if m == "POST" else None)
        assert v["kismet.datasource.hopping"] is True, v


def run_state(ctx, row, first, then, field, value):
    c = ctx["core"]
    base = "/datasource/by-uuid/%s/" % ctx["RADIO"]
    for m in row["methods"]:
        v = c.get_json(base + first + ".cmd", m, {} if m == "POST" else None)
        assert v["kismet.datasource." + field] is value, v
        v = c.get_json(base + then + ".cmd", m, {} if m == "POST" else None)
        c.wait(lambda: c.get_json(base + "source.json")[
            "kismet.datasource.running"], "radio running again")


def run_close(ctx, row):
    run_state(ctx, row, row["endpoint"].rsplit("/", 1)[1], "open_source",
              "running", False)


def run_open(ctx, row):
    run_state(ctx, row, "close_source", row["endpoint"].rsplit("/", 1)[1],
              "running", False)


def run_pause(ctx, row):
    run_state(ctx, row, "pause_source", "resume_source", "paused", True)


def open_stream(ctx, path):
    s = socket.create_connection(("127.0.0.1", ctx["core"].port),
                                 timeout=10)
    tok = base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode()
    s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: Basic %s\r\n"
               "\r\n" % (path, tok)).encode())
    data = b""
    while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < 16:
        chunk = s.recv(65536)
        assert chunk, data
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    assert b" 200 " in head.split(b"\r\n")[0], head
    # The first chunk starts with a pcapng section header block.
    assert body.split(b"\r\n", 1)[1][:4] == b"\x0a\x0d\x0d\x0a", body[:40]
    return s


def run_pcapng(ctx, row):
    s = open_stream(ctx, fill(row["endpoint"], ctx) + ".pcapng")
    s.close()


def stream_id(ctx, desc):
    c = ctx["core"]
    return c.wait(lambda: [x["kismet.stream.id"] for x in
                           c.get_json("/streams/all_streams.json")
                           if x["kismet.stream.description"] == desc],
                  "the stream to be listed")[0]


def run_close_stream(ctx, row):
    s = open_stream(ctx, "/pcap/all_packets.pcapng")
    sid = stream_id(ctx, "all packets")
    c = ctx["core"]
    for m in row["methods"]:
        path = "/streams/by-id/%d/close_stream.cmd" % sid
        st, _, _ = c.request(m, path)
        if m == row["methods"][0]:
            assert st == 200, st
            c.wait(lambda: not [x for x in c.get_json(
                "/streams/all_streams.json")
                if x["kismet.stream.id"] == sid], "the stream to end")
        else:
            assert st == 404, st
    s.close()


def run_handshake(ctx, row):
    """The handshake's EAPOL frames, as a pcap file of 802.11 frames."""
    c = ctx["core"]
    key = ctx["hs_key"]
    d = c.get_json("/devices/by-key/%s/device.json" % key)
    want = d["dot11.device"]["dot11.device.wpa_handshake_list"]
    st, r, data = c.request("GET", "/phy/phy80211/by-key/%s/pcap/"
                            "handshake.pcap" % key)
    assert st == 200, (st, data[:200])
    assert r.getheader("Content-Type") == "application/vnd.tcpdump.pcap"
    magic, vmaj, vmin, _, _, snap, dlt = struct.unpack("<IHHiIII",
                                                       data[:24])
    assert (magic, vmaj, vmin, dlt) == (0xa1b2c3d4, 2, 4, 105)
    off, frames = 24, []
    while off < len(data):
        sec, usec, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        frames.append((sec + usec / 1e6, data[off + 16:off + 16 + incl]))
        off += 16 + incl
    assert off == len(data)
    assert len(frames) == len(want) >= 3, (len(frames), len(want))
    for (ts, frame), e in zip(frames, want):
        p = e["dot11.eapol.packet"]
        assert frame == base64.b64decode(p["kismet.packet.data"])
        assert p["kismet.packet.dlt"] == 105
        assert abs(ts - e["dot11.eapol.timestamp"]) < 1e-5
        # An EAPOL-Key frame: LLC/SNAP with ethertype 0x888e.
        assert b"\xaa\xaa\x03\x00\x00\x00\x88\x8e" in frame
    st, _, _ = c.request("GET", "/phy/phy80211/by-key/0000000000000000_"
                         "000000000000/pcap/handshake.pcap")
    assert st == 404


def run_plugin_file(ctx, row):
    st, _, data = ctx["core"].request(
        "GET", "/plugin/resttest/js/resttest.js", auth=False)
    assert st == 200 and b"resttest" in data, (st, data)


def run_dynamic_js(ctx, row):
    st, _, data = ctx["core"].request("GET", "/dynamic.js", auth=False)
    # (A JSON string in a script: "/" is escaped as "\\/".)
    assert st == 200 and b"resttest.js" in data and \
        b"getDynamicIncludes" in data, data


def pcapng_packets(data):
    """The Enhanced Packet Blocks of a little-endian pcapng stream."""
    assert data[:4] == b"\x0a\x0d\x0d\x0a", data[:16]
    n, off = 0, 0
    while off + 12 <= len(data):
        btype, blen = struct.unpack_from("<II", data, off)
        assert blen >= 12 and off + blen <= len(data), (off, blen)
        n += btype == 6
        off += blen
    assert off == len(data), (off, len(data))
    return n


def run_kismetdb_pcap(ctx, row):
    """The log's packets; a POST filter (Kismet's keys) limits them."""
    c = ctx["core"]
    path = "/logging/kismetdb/pcap/resttest.pcapng"
    st, _, data = c.request("GET", path)
    assert st == 200, (st, data[:300])
    whole = pcapng_packets(data)
    assert whole > 0, "no packet in the log's export"
    st, _, data = c.request("POST", path, {"filter": {"limit": 3}})
    assert st == 200, (st, data[:300])
    assert pcapng_packets(data) == min(3, whole)
    st, _, data = c.request("GET", path + "?size_min=abc")
    assert st == 400, (st, data[:300])


P = "/packetchain/"
ROWS = {
    "/session/check_login": Row(run=run_check_login),
    "/session/check_session": Row(run=run_check_login),
    "/session/check_setup_ok": Row(run=run_setup_ok),
    "/system/status": Row(chk_status, ["kismet.system.version"]),
    "/system/timestamp": Row(chk_timestamp),
    "/system/user_status": Row(chk_user_status),
    "/devices/summary/devices": Row(chk_all_devices, DEV_FIELDS),
    "/devices/all_devices": Row(chk_all_devices, DEV_FIELDS),
    "/devices/last-time/{TS}/devices": Row(chk_last_time, DEV_FIELDS,
                                           "kismet.device.list"),
    "/devices/by-key/{KEY}/device": Row(chk_by_key, DEV_FIELDS),
    "/devices/by-key/{KEY}/device.{EXT}/{FIELD}": Row(chk_field),
    "/devices/by-mac/{MAC}/devices": Row(chk_by_mac, DEV_FIELDS),
    "/devices/multimac/devices": Row(chk_multimac, DEV_FIELDS,
                                     post="multimac"),
    "/devices/multikey/devices": Row(chk_multikey, DEV_FIELDS,
                                     post="multikey"),
    "/devices/multikey/as-object/devices": Row(chk_multikey_obj,
                                               DEV_FIELDS, post="multikey"),
    "/devices/by-phy/{PHY}/devices": Row(chk_by_phy, DEV_FIELDS),
    "/devices/by-key/{KEY}/set_name": Row(run=run_set_name),
    "/devices/by-key/{KEY}/set_tag": Row(run=run_set_tag),
    "/devices/views/all_views": Row(chk_all_views,
                                    ["kismet.devices.view.id"]),
    "/devices/views/{VIEW}/devices": Row(chk_view, DEV_FIELDS),
    "/devices/views/{VIEW}/last-time/{TS}/devices": Row(chk_view_last,
                                                        DEV_FIELDS),
    "/devices/pcap/by-key/{KEY}/packets": Row(run=run_pcapng),
    "/phy/all_phys": Row(chk_phys, ["kismet.phy.phy_name"]),
    "/phy/phy80211/clients-of/{KEY}/clients": Row(chk_clients, DEV_FIELDS),
    "/phy/phy80211/related-to/{KEY}/devices": Row(chk_related, DEV_FIELDS),
    "/phy/phy80211/pcap/by-bssid/{MAC}/packets": Row(run=run_pcapng),
    "/phy/phy80211/by-key/{KEY}/pcap/handshake": Row(run=run_handshake),
    "/datasource/types": Row(chk_types, ["kismet.datasource.driver.type"]),
    "/datasource/defaults": Row(
        chk_defaults, ["kismet.datasourcetracker.default.hop"]),
    "/datasource/all_sources": Row(chk_sources,
                                   ["kismet.datasource.name"]),
    "/datasource/by-uuid/{UUID}/source": Row(chk_source,
                                             ["kismet.datasource.uuid"]),
    "/datasource/list_interfaces": Row(
        chk_interfaces, ["kismet.datasource.probed.interface"]),
    "/datasource/add_source": Row(run=run_add_source),
    "/datasource/by-uuid/{UUID}/set_channel": Row(run=run_set_channel),
    "/datasource/by-uuid/{UUID}/set_hop": Row(run=run_set_hop),
    "/datasource/by-uuid/{UUID}/close_source": Row(run=run_close),
    "/datasource/by-uuid/{UUID}/disable_source": Row(run=run_close),
    "/datasource/by-uuid/{UUID}/open_source": Row(run=run_open),
    "/datasource/by-uuid/{UUID}/enable_source": Row(run=run_open),
    "/datasource/by-uuid/{UUID}/pause_source": Row(run=run_pause),
    "/datasource/by-uuid/{UUID}/resume_source": Row(run=run_pause),
    "/datasource/pcap/all_sources": Row(run=run_pcapng),
    "/pcap/all_packets": Row(run=run_pcapng),
    "/datasource/pcap/by-uuid/{UUID}/packets": Row(run=run_pcapng),
    "/data/all_packets": Row(run=run_pcapng),
    "/messagebus/all_messages": Row(
        chk_messages, ["kismet.messagebus.message_string"]),
    "/messagebus/last-time/{TS}/messages": Row(
        chk_messages_since, ["kismet.messagebus.message_string"],
        "kismet.messagebus.list"),
    "/alerts/definitions": Row(chk_alert_defs,
                               ["kismet.alert.definition.header"]),
    "/alerts/all_alerts": Row(chk_alerts, ["kismet.alert.header"]),
    "/alerts/last-time/{TS}/alerts": Row(chk_alerts_since,
                                         ["kismet.alert.header"],
                                         "kismet.alert.list"),
    "/alerts/wrapped/last-time/{TS}/alerts": Row(chk_alerts_since,
                                                 ["kismet.alert.header"],
                                                 "kismet.alert.list"),
    "/alerts/by-id/{ALERTID}/alert": Row(chk_alert_by_id,
                                         ["kismet.alert.header"]),
    "/alerts/by-id/{ALERTID}/packets": Row(run=run_alert_pcapng),
    "/alerts/definitions/define_alert": Row(run=run_define_alert),
    "/alerts/raise_alerts": Row(run=run_raise_alert),
    "/channels/channels": Row(chk_channels, ["osprey.channels.sources"]),
    "/gps/drivers": Row(chk_gps_drivers, ["kismet.gps.type.class"]),
    "/gps/all_gps": Row(chk_all_gps, ["kismet.gps.name"]),
    "/gps/location": Row(chk_location, ["kismet.common.location.fix"]),
    "/gps/all_locations": Row(chk_all_locations),
    "/gps/by-uuid/{GPSUUID}/location": Row(chk_gps_uuid_location),
    "/gps/add_gps": Row(run=run_add_gps),
    "/gps/by-uuid/{GPSUUID}/remove_gps": Row(run=run_remove_gps),
    "/gps/web/update": Row(run=run_web_gps),
    "/gps/track": Row(chk_track, ["osprey.gps.track"]),
    "/gps/map": Row(chk_map),
    "/devices/location/devices": Row(run=run_geojson),
    P + "packet_stats": Row(chk_packet_stats),
    P + "packet_rate": Row(chk_rate, ["kismet.common.rrd.minute_vec"]),
    P + "packet_peak": Row(chk_rrd, ["kismet.common.rrd.minute_vec"]),
    P + "packet_error": Row(chk_rrd, ["kismet.common.rrd.minute_vec"]),
    P + "packet_dupe": Row(chk_rrd, ["kismet.common.rrd.minute_vec"]),
    P + "packet_processed": Row(chk_rate,
                                ["kismet.common.rrd.minute_vec"]),
    P + "packet_drop": Row(chk_rrd, ["kismet.common.rrd.minute_vec"]),
    "/streams/all_streams": Row(chk_streams, ["kismet.stream.id"]),
    "/logging/drivers": Row(chk_log_drivers,
                            ["kismet.logfile.driver.class"]),
    "/logging/active": Row(chk_log_active, ["kismet.logfile.path"]),
    "/logging/kismetdb/pcap/{TITLE}": Row(run=run_kismetdb_pcap),
    "/streams/by-id/{ID}/stream_info": Row(None, ["kismet.stream.id"]),
    "/streams/by-id/{ID}/close_stream": Row(run=run_close_stream),
    "/plugins/all_plugins": Row(chk_plugins),
    "/plugin/{NAME}/{PATH}": Row(run=run_plugin_file),
    "/dynamic.js": Row(run=run_dynamic_js),
}

# Commands change what later rows read: they run first, in this order.
FIRST = ["/devices/by-key/{KEY}/set_name", "/devices/by-key/{KEY}/set_tag",
         "/alerts/definitions/define_alert", "/alerts/raise_alerts"]


def fill(path, ctx):
    return re.sub(r"\{([A-Z]+)\}", lambda m: urllib.parse.quote(
        str(ctx[m.group(1)]), safe=":"), path)


def post_body(ctx, row, spec):
    body = {}
    if spec.post == "multimac":
        body["devices"] = [ctx["MAC"]]
    elif spec.post == "multikey":
        body["devices"] = [ctx["KEY"], ctx["other_key"]]
    if spec.fields is not None:
        body["fields"] = spec.fields
    return body


def data_row(ctx, row, spec):
    """Every method and format of a row that answers data."""
    c = ctx["core"]
    ep = row["endpoint"]
    for method in row["methods"]:
        body = post_body(ctx, row, spec) if method == "POST" else None
        if method == "GET" and spec.post is not None:
            continue
        canon = None
        for fmt in ["json"] + [f for f in row["formats"] if f != "json"]:
            assert fmt in FORMATS, (ep, fmt)
            path = fill(ep if "{EXT}" in ep else ep + ".{EXT}",
                        dict(ctx, EXT=fmt))
            st, r, data = c.request(method, path, body)
            assert st == 200, (method, path, st, data[:300])
            v = decode(fmt, data)
            if fmt == "json":
                canon = v
                if method == "GET" or spec.fields is None:
                    if spec.check is not None:
                        spec.check(ctx, v)
                else:
                    check_fields(v, spec.fields, spec.wrap)
                continue
            if fmt == "prettyjson" and isinstance(v, (dict, list)) and v:
                assert b"\n    " in data, data[:200]
            if fmt == "ekjson":
                assert "." not in json.dumps([list(x) for x in v
                                              if isinstance(x, dict)])
            if fmt == "msgpack":
                assert r.getheader("Content-Type") == \
                    "application/x-msgpack"
            same_shape(fmt, canon, v, spec.wrap)


def check_fields(v, fields, wrap=None):
    """A simplified answer keeps the fields asked for and nothing else."""
    want = {f.split("/")[-1] for f in fields}
    if wrap is not None and isinstance(v, dict) and wrap in v:
        v = v[wrap]             # the records inside Kismet's wrapper
    if isinstance(v, dict) and all(isinstance(x, dict) for x in v.values()) \
            and v and not set(v) & want:
        v = list(v.values())        # multikey/as-object
    items = v if isinstance(v, list) else [v]
    for x in items:
        if isinstance(x, dict):
            assert set(x) == want, (set(x), want)


# Tests

CTX = {}


def setup():
    home = tempfile.mkdtemp(prefix="osprey-rest-home-")
    # A web-only plugin, for /plugin/ and /dynamic.js.
    pdir = os.path.join(home, ".osprey", "plugins", "resttest")
    os.makedirs(os.path.join(pdir, "httpd", "js"))
    with open(os.path.join(pdir, "manifest.conf"), "w") as f:
        f.write("name=resttest\nversion=1.0\n"
                "js=resttest,/plugin/resttest/js/resttest.js\n")
    with open(os.path.join(pdir, "httpd", "js", "resttest.js"), "w") as f:
        f.write("/* resttest */\n")
    c = Core(["%s:name=main" % cap(MAIN_CAP), "%s:name=cl" %
              cap(CLIENT_CAP), "%s:name=hs" % cap(HANDSHAKE_CAP),
              "chan0:name=radio"], home, logging=True)
    CTX["core"] = c
    CTX["homedir"] = home
    # The files read to their end (a finished file source closes).
    for name in ["main", "cl", "hs"]:
        c.wait(lambda: (lambda s: s is not None and s[
            "kismet.datasource.num_packets"] > 0 and not s[
            "kismet.datasource.running"])(c.source(name)), name + " done")
    c.wait(lambda: (c.source("radio") or {}).get(
        "kismet.datasource.running"), "the radio")
    # Devices settle once the capture is done (the radio adds none).
    devs = c.get_json("/devices/all_devices.json")
    aps = [d for d in devs if "AP" in d["kismet.device.base.type"]]
    ap = max(aps, key=lambda d: (len(d["dot11.device"].get(
        "dot11.device.client_map", {})), d["kismet.device.base.packets."
                                          "total"]))
    clients = {d["kismet.device.base.key"]
               for d in c.get_json("/phy/phy80211/clients-of/%s/clients."
                                   "json" % ap["kismet.device.base.key"])}
    srcs = {s["kismet.datasource.name"]: s for s in
            c.get_json("/datasource/all_sources.json")}
    main = srcs["main"]["kismet.datasource.uuid"]
    CTX.update({
        "seen_main": {d["kismet.device.base.key"] for d in devs if main in
                      {x["kismet.common.seenby.uuid"] for x in
                       d["kismet.device.base.seenby"]}},
        "devices": devs, "aps": aps, "ap": ap, "clients": clients,
        "KEY": ap["kismet.device.base.key"],
        "MAC": ap["kismet.device.base.macaddr"],
        "other_key": next(d["kismet.device.base.key"] for d in devs
                          if d is not ap),
        "UUID": srcs["main"]["kismet.datasource.uuid"],
        "RADIO": srcs["radio"]["kismet.datasource.uuid"],
        "packets": sum(srcs[n]["kismet.datasource.num_packets"]
                       for n in ["main", "cl", "hs"]),
        "hs_key": next(d["kismet.device.base.key"] for d in devs
                       if d["dot11.device"].get(
                           "dot11.device.wpa_handshake_list")),
        "TS": 1, "VIEW": "phy-IEEE802.11", "PHY": "IEEE802.11",
        "FIELD": "kismet.device.base.packets.total",
        "NAME": "resttest", "PATH": "js/resttest.js",
        "GPSUUID": next(g["kismet.gps.uuid"] for g in c.get_json(
            "/gps/all_gps.json") if g["kismet.gps.name"] == "tower"),
    })


def test_table_rows():
    rows = parse_table(REST_MD)
    live = [r for r in rows if r["state"] in ("yes", "added")]
    missing = [r["endpoint"] for r in live if r["endpoint"] not in ROWS]
    assert not missing, "rows with no check: %s" % missing
    extra = set(ROWS) - {r["endpoint"] for r in live}
    assert not extra, "checks with no row: %s" % extra
    order = sorted(live, key=lambda r: (FIRST.index(r["endpoint"]) if
                                        r["endpoint"] in FIRST else 99))
    failed = []
    for row in order:
        spec = ROWS[row["endpoint"]]
        try:
            if row["endpoint"] == "/streams/by-id/{ID}/stream_info":
                s = open_stream(CTX, "/pcap/all_packets.pcapng")
                CTX["ID"] = stream_id(CTX, "all packets")
                data_row(CTX, row, spec)
                s.close()
            elif spec.run is not None:
                spec.run(CTX, row)
            else:
                data_row(CTX, row, spec)
        except Exception:
            failed.append(row["endpoint"])
            for line in traceback.format_exc().splitlines():
                print("# " + line)
    assert not failed, "rows failed: %s" % failed
    print("# %d rows in the table: %d implemented, %d not, %d added" % (
        len(rows), sum(r["state"] == "yes" for r in rows),
        sum(r["state"] == "no" for r in rows),
        sum(r["state"] == "added" for r in rows)))


def test_unimplemented_rows_answer_404():
    """A row marked "no" is not half there: it answers 404."""
    c = CTX["core"]
    ctx = dict(CTX, TYPE="devicefound", CLASS="pcapng", TITLE="x",
               BLOCK="source", HASH="1", ID=1)
    for row in parse_table(REST_MD):
        if row["state"] != "no":
            continue
        ext = row["formats"][0] if row["formats"] else None
        path = fill(row["endpoint"], ctx) + ("." + ext if ext else "")
        st, _, _ = c.request(row["methods"][0], path)
        assert st in (404, 405), (path, st)


def test_set_channel_rules():
    c = CTX["core"]
    base = "/datasource/by-uuid/%s/" % CTX["RADIO"]
    # What the radio cannot take: 400, and nothing reaches the helper.
    before = c.get_json(base + "source.json")["kismet.datasource.channel"]
    for bad in ["abc", "0", "-1", "999", "6HT80"]:
        st, _, data = c.request("POST", base + "set_channel.cmd",
                                {"channel": bad})
        assert st == 400, (bad, st, data)
        assert json.loads(data)["error"], data
    st, _, _ = c.request("POST", base + "set_channel.cmd",
                         {"channels": ["1", "999"]})
    assert st == 400, st
    assert c.get_json(base + "source.json")["kismet.datasource.channel"] \
        == before
    # A width on a listed channel number is a channel it can take.
    v = c.get_json(base + "set_channel.cmd", "POST", {"channel": "6HT40+"})
    assert v["kismet.datasource.hopping"] is False
    # An unknown source: 404.
    st, _, _ = c.request("POST", "/datasource/by-uuid/00000000-0000-0000-"
                         "0000-0000000000aa/set_channel.cmd",
                         {"channel": "6"})
    assert st == 404, st
    # The helper refuses channel 13: 502 with its reason.
    st, _, data = c.request("POST", base + "set_channel.cmd",
                            {"channel": "13"})
    assert st == 502 and "13" in json.loads(data)["error"], (st, data)
    # Hop, then change only the rate: the list stays.
    v = c.get_json(base + "set_channel.cmd", "POST",
                   {"channels": ["1", "6", "11"], "rate": 2})
    assert v["kismet.datasource.hop_channels"] == ["1", "6", "11"]
    v = c.get_json(base + "set_channel.cmd", "POST", {"rate": 5})
    assert v["kismet.datasource.hop_channels"] == ["1", "6", "11"], v
    assert abs(v["kismet.datasource.hop_rate"] - 5) < 0.01, v
    assert v["kismet.datasource.hopping"] is True
    # Kismet's documented spelling, in a form as its clients send it.
    st, _, data = c.request("POST", base + "set_channel.cmd",
                            {"hoprate": 3, "shuffle": 0}, form=True)
    v = json.loads(data)
    assert st == 200 and abs(v["kismet.datasource.hop_rate"] - 3) < 0.01, v
    assert v["kismet.datasource.hop_channels"] == ["1", "6", "11"], v
    # Paused, or closed: 409, and never a 500 (Kismet's client takes any
    # 500 for a failed login).
    c.get_json(base + "pause_source.cmd")
    st, _, _ = c.request("POST", base + "set_channel.cmd", {"channel": "6"})
    assert st == 409, st
    c.get_json(base + "resume_source.cmd")
    c.get_json(base + "close_source.cmd")
    for body in [{"channel": "6"}, {"rate": 5}]:
        st, _, _ = c.request("POST", base + "set_channel.cmd", body)
        assert st == 409, (body, st)
    st, _, _ = c.request("GET", base + "close_source.cmd")
    assert st == 409, st
    c.get_json(base + "open_source.cmd")
    c.wait(lambda: c.get_json(base + "source.json")[
        "kismet.datasource.running"], "the radio to reopen")
    # The finished capture file: closed, so 409 too.
    st, _, _ = c.request("POST", "/datasource/by-uuid/%s/set_channel.cmd" %
                         CTX["UUID"], {"channel": "6"})
    assert st == 409, st


def test_remote_source_states():
    """A remote source cannot be reopened from here: 409, not 500."""
    c = CTX["core"]
    port = int(re.findall(r"remote capture listening on [^:]+:(\d+)",
                          c.text())[-1])
    helper = subprocess.Popen(
        [PCAPFILE, "--connect", "127.0.0.1:%d" % port,
         # A capture no other source reads: the uuid comes from the path.
         "--source=%s:name=far,loop=true,pps=50" % cap(REMOTE_CAP)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        src = c.wait(lambda: c.source("far"), "the remote source")
        base = "/datasource/by-uuid/%s/" % src["kismet.datasource.uuid"]
        c.wait(lambda: c.get_json(base + "source.json")[
            "kismet.datasource.running"], "the remote source to run")
        assert c.get_json(base + "source.json")[
            "kismet.datasource.remote"] is True
        # A file has no channels: 400, before any helper hears of it.
        st, _, data = c.request("POST", base + "set_channel.cmd",
                                {"channel": "6"})
        assert st == 400 and "no channels" in json.loads(data)["error"], \
            (st, data)
        c.get_json(base + "close_source.cmd")
        st, _, data = c.request("GET", base + "open_source.cmd")
        assert st == 409 and "remote" in json.loads(data)["error"], \
            (st, data)
    finally:
        helper.terminate()
        helper.wait(timeout=20)


def test_names_survive_restart():
    """set_name and set_tag are kept in the home folder across restarts."""
    c = CTX["core"]
    key = CTX["KEY"]
    c.get_json("/devices/by-key/%s/set_name.cmd" % key, "POST",
               {"username": "Kept"})
    c.stop()
    c2 = Core(["%s:name=main" % cap(MAIN_CAP), "%s:name=cl" %
               cap(CLIENT_CAP)], CTX["homedir"])
    CTX["core"] = c2
    c2.wait(lambda: c2.request("GET", "/devices/by-key/%s/device.json" %
                               key)[0] == 200, "the device")
    d = c2.get_json("/devices/by-key/%s/device.json" % key)
    assert d["kismet.device.base.username"] == "Kept", d
    assert d["kismet.device.base.tags"] == {"note": "by the stairs"}, d
    # The other file is the older generation: one bad file loses nothing.
    names = os.path.join(CTX["homedir"], ".osprey")
    files = sorted(f for f in os.listdir(names)
                   if f.startswith("device_names."))
    assert files == ["device_names.0", "device_names.1"], files


TESTS = [test_table_rows, test_unimplemented_rows_answer_404,
         test_set_channel_rules, test_remote_source_states,
         test_names_survive_restart]


def main():
    skip = None
    if not os.path.exists(cap(MAIN_CAP)):
        skip = "shared captures not found (OSPREY_CAPTURES)"
    failed = harness.run_tap(TESTS, skip, setup)
    if skip or "core" not in CTX:
        return failed
    try:
        CTX["core"].stop()
    except Exception:
        failed = 1
        traceback.print_exc(file=sys.stdout)
    shutil.rmtree(CTX.get("homedir", ""), ignore_errors=True)
    return failed


if __name__ == "__main__":
    sys.exit(main())
