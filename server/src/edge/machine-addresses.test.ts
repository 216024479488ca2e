import assert from "node:assert/strict";
import { test } from "node:test";
import { deviceLinks, isLoopbackHost, machineAddresses, ownOrigins } from "./machine-addresses.ts";

// A laptop on Wi-Fi, as os.networkInterfaces() reports it (a fake: plain data).
const laptopInterfaces = {
  lo: [
    { address: "127.0.0.1", family: "IPv4", internal: true },
    { address: "::1", family: "IPv6", internal: true },
  ],
  wlan0: [
    { address: "192.168.1.20", family: "IPv4", internal: false },
    { address: "fe80::1c2b:3aff:fe4d:5e6f", family: "IPv6", internal: false },
    { address: "fd12::20", family: "IPv6", internal: false },
  ],
  docker0: [{ address: "172.17.0.1", family: "IPv4", internal: false }],
};

test("the machine's names and addresses: loopback, host name and its .local name, LAN addresses without link-local IPv6", () => {
  const a = machineAddresses(laptopInterfaces, "Pi-Door");
  assert.deepEqual(a.names, ["localhost", "pi-door", "pi-door.local"]);
  assert.deepEqual(a.ips, ["127.0.0.1", "::1", "192.168.1.20", "fd12::20", "172.17.0.1"]);
  assert.deepEqual(a.lanIpv4, ["192.168.1.20", "172.17.0.1"]);
  assert.deepEqual(machineAddresses({}, "box.example.org").names, ["localhost", "box.example.org"]);
});

test("pairing links: the public URL wins, else the LAN https origin on the first LAN address, else loopback", () => {
  const addresses = machineAddresses(laptopInterfaces, "laptop");
  const lan = deviceLinks({ publicUrl: undefined, bindHost: "0.0.0.0", httpsPort: 8443, caHttpPort: 8080, addresses });
  assert.deepEqual(lan, { baseUrl: "https://192.168.1.20:8443", caCertUrl: "http://192.168.1.20:8080/ca.crt" });
  const pub = deviceLinks({ publicUrl: "https://headcount.lan", bindHost: "0.0.0.0", httpsPort: 8443, caHttpPort: 8080, addresses });
  assert.equal(pub.baseUrl, "https://headcount.lan");
  const loopback = deviceLinks({ publicUrl: undefined, bindHost: "127.0.0.1", httpsPort: 9443, caHttpPort: null, addresses });
  assert.deepEqual(loopback, { baseUrl: "https://127.0.0.1:9443", caCertUrl: "" });
  assert.ok(isLoopbackHost(new URL(loopback.baseUrl).hostname));
  const noLan = deviceLinks({ publicUrl: undefined, bindHost: "0.0.0.0", httpsPort: 8443, caHttpPort: 8080, addresses: machineAddresses({}, "x") });
  assert.equal(noLan.baseUrl, "https://127.0.0.1:8443", "no LAN address: only this machine, which the page says");
  // https off and no public URL: the page uses its own origin.
  assert.deepEqual(deviceLinks({ publicUrl: undefined, bindHost: "0.0.0.0", httpsPort: null, caHttpPort: 8080, addresses }), { baseUrl: "", caCertUrl: "" });
});

test("the web app's own origins: its http port and the https port on every name and address, and the public URL", () => {
  const origins = ownOrigins(machineAddresses(laptopInterfaces, "laptop"), 3000, 8443, "https://headcount.lan");
  for (const origin of ["http://localhost:3000", "http://127.0.0.1:3000", "http://[::1]:3000", "http://laptop.local:3000", "http://192.168.1.20:3000", "https://192.168.1.20:8443", "https://localhost:8443", "https://headcount.lan"]) {
    assert.ok(origins.includes(origin), origin);
  }
  assert.ok(!origins.some((o) => o.includes(":8080")), "not the gRPC-Web endpoint's own port");
  assert.deepEqual(ownOrigins(machineAddresses({}, "localhost"), 3000, null, undefined), ["http://localhost:3000", "http://127.0.0.1:3000", "http://[::1]:3000"]);
});

test("loopback hosts", () => {
  for (const host of ["localhost", "LOCALHOST", "app.localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]"]) assert.ok(isLoopbackHost(host), host);
  for (const host of ["192.168.1.20", "laptop.local", "fd12::20", "127.example"]) assert.ok(!isLoopbackHost(host), host);
});
