-- firewalld.lua: one host's inbound rules as firewalld service files (one
-- per service, source set and multicast group) and a zone `berth` that
-- accepts them, each service from its sources only. firewalld zones do not
-- filter output, so the outbound rules are listed in a comment.

local view = ...
local x = berth.esc.xml
local ZONE = "berth"
local HEAD = '<?xml version="1.0" encoding="utf-8"?>\n'

local function banner()
  for line in berth.comment(view.banner, ""):gmatch("(.-)\n") do
    emit("<!-- ", berth.esc.xmlcomment(line), " -->\n")
  end
end

-- A service's in-rules split into parts that one firewalld service can
-- hold: the same sources (the zone restricts those) and at most one
-- destination, because a service has a single ipv4 destination.
local function parts_of(svc)
  local parts, index = {}, {}
  for _, r in ipairs(svc.rules) do
    if r.direction == "in" then
      local groups = #r.daddrs > 0 and berth.list(r.daddrs) or { "" }
      for _, g in ipairs(groups) do
        local key = table.concat(berth.list(r.saddrs), " ") .. ">" .. g
        if not index[key] then
          index[key] = { saddrs = r.saddrs, group = g, family = r.family, rules = {} }
          parts[#parts + 1] = index[key]
        end
        table.insert(index[key].rules, r)
      end
    end
  end
  return parts
end

-- Every firewalld zone accepts ICMP unless an <icmp-block> names the type,
-- and <icmp-block-inversion/> would turn the blocks into the only types
-- accepted, dropping the ICMP a host needs: so an ICMP flow adds nothing
-- to the files, and the zone says which flows rely on that.
local icmp_notes, icmp_seen = {}, {}
local function icmp_note(r)
  local text = ("%s%s from %s: %s"):format(r.proto, r.icmp_type and (" type " .. r.icmp_type) or "",
    #r.saddrs > 0 and table.concat(berth.list(r.saddrs), ", ") or "any source",
    table.concat(berth.list(r.services), ", "))
  if not icmp_seen[text] then
    icmp_seen[text] = true
    icmp_notes[#icmp_notes + 1] = text
  end
end

-- <port>, <source-port> and <protocol> lines of one part, each once (a
-- duplicate port is a firewalld warning).
local function elements(part)
  local out, seen, widened = {}, {}, false
  local function add(line)
    if not seen[line] then seen[line] = true; out[#out + 1] = line end
  end
  local function ports(tag, proto, list)
    for _, p in ipairs(list) do
      add(('  <%s protocol="%s" port="%s"/>'):format(tag, proto, berth.ports({ p })))
    end
  end
  for _, r in ipairs(part.rules) do
    if r.protocol == 1 or r.protocol == 58 then
      icmp_note(r)
    elseif r.protocol then
      add(('  <protocol value="%d"/>'):format(r.protocol))
    elseif #r.dports > 0 then
      -- A service's ports and source ports are separate accepts, so a rule
      -- that needs both at once is opened on its destination ports alone.
      widened = widened or #r.sports > 0
      ports("port", r.proto, r.dports)
    elseif #r.sports > 0 then
      ports("source-port", r.proto, r.sports)
    else
      add(('  <protocol value="%s"/>'):format(r.proto))
    end
  end
  return out, widened
end

local function service_file(svc, part, sname, lines, widened)
  local from = #part.saddrs > 0 and table.concat(berth.list(part.saddrs), ", ") or "any source"
  local what = svc.description ~= "" and (svc.name .. ": " .. svc.description) or svc.name
  local extra = part.group ~= "" and ("; multicast group " .. part.group) or ""
  file("services/" .. sname .. ".xml")
  emit(HEAD)
  banner()
  if widened then
    emit("<!-- firewalld cannot require a source port and a destination port at\n",
      "     once: these destination ports are open for any source port. -->\n")
  end
  emit("<service>\n",
    "  <short>", x(berth.clean("berth " .. svc.name)), "</short>\n",
    "  <description>", x(what), " (from ", x(from), x(extra), ")</description>\n")
  for _, l in ipairs(lines) do emit(l, "\n") end
  if part.group ~= "" then
    emit('  <destination ', part.family == "ipv6" and "ipv6" or "ipv4", '="', x(part.group), '"/>\n')
  end
  emit("</service>\n")
end

-- The zone line that accepts one service: plainly from any source, else a
-- rich rule per source address.
local function zone_refs(sname, saddrs, family)
  local out = {}
  if #saddrs == 0 then
    out[1] = '  <service name="' .. sname .. '"/>'
  end
  for _, a in ipairs(saddrs) do
    out[#out + 1] = ('  <rule family="%s"><source address="%s"/><service name="%s"/><accept/></rule>')
        :format(family, x(a), sname)
  end
  return out
end

local function outbound_comment()
  local any = false
  for _, r in ipairs(view.rules) do
    if r.direction == "out" then
      if not any then
        emit("  <!-- Outbound (zones do not filter output; a firewalld policy with\n",
          "       ingress-zone HOST does, if you need it):\n")
        any = true
      end
      local to = #r.daddrs > 0 and table.concat(berth.list(r.daddrs), ", ") or "any"
      local ports = #r.dports > 0 and berth.ports(r.dports) or "any port"
      local what = ("%s to %s port %s"):format(r.proto, to, ports)
      if r.protocol then  -- no ports: "esp to X", "icmp type 8 to X"
        what = ("%s%s to %s"):format(r.proto, r.icmp_type and (" type " .. r.icmp_type) or "", to)
      end
      emit("       ", berth.esc.xmlcomment(("%s%s: %s"):format(what,
        #r.sports > 0 and (" from port " .. berth.ports(r.sports)) or "",
        table.concat(berth.list(r.services), ", "))), "\n")
    end
  end
  if any then emit("  -->\n") end
end

-- Target DROP like the other targets' input policy; firewalld itself still
-- accepts replies, loopback and ICMP (zones accept ICMP unless blocked).
local function zone(refs)
  local hostname = berth.clean(view.host.name)
  file("zones/" .. ZONE .. ".xml")
  emit(HEAD)
  banner()
  -- (no command-line options here: "--" cannot occur in an XML comment)
  emit("<!-- Install: copy services/*.xml to /etc/firewalld/services and\n",
    "     zones/", ZONE, ".xml to /etc/firewalld/zones, bind the zone to the\n",
    "     host's interface (firewall-cmd, permanent change-interface) and\n",
    "     reload firewalld. -->\n")
  emit('<zone target="DROP">\n',
    "  <short>", x(berth.clean("berth " .. hostname)), "</short>\n",
    "  <description>", x(("berth rules for host %s (%s) of site %s: %s"):format(hostname,
      berth.clean(berth.addresses(view.host)), berth.clean(view.site.name),
      berth.clean(view.site.description))), "</description>\n")
  for _, l in ipairs(refs) do emit(l, "\n") end
  if view.multicast then
    -- The application joins its groups; IGMP queries must come in so that
    -- snooping switches keep forwarding the groups to this host.
    emit('  <protocol value="igmp"/>\n')
  end
  if #icmp_notes > 0 then
    emit("  <!-- ICMP accepted by every firewalld zone (no icmp-block here), from\n",
      "       any source, which these flows rely on:\n")
    for _, t in ipairs(icmp_notes) do emit("       ", berth.esc.xmlcomment(t), "\n") end
    emit("  -->\n")
  end
  outbound_comment()
  emit("</zone>\n")
end

local unique = berth.namer(64)
local refs = {}
for _, svc in ipairs(view.services) do
  local base = "berth-" .. berth.ident((svc.name:gsub("%.", "-")), 48)
  for _, part in ipairs(parts_of(svc)) do
    local lines, widened = elements(part)
    if #lines > 0 then  -- a part of ICMP flows only needs no service
      local sname = unique(base)
      service_file(svc, part, sname, lines, widened)
      for _, l in ipairs(zone_refs(sname, part.saddrs, part.family)) do refs[#refs + 1] = l end
    end
  end
end
zone(refs)
