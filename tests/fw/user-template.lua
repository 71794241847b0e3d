-- user-template.lua: an OpenBSD pf.conf-style anchor for one host.
-- Written from docs/templates.md alone.
local view = ...
suffix(".pf")

-- "{ a, b }" for a list of CIDRs, "any" when empty.
local function addrs(list)
  if #list == 0 then return "any" end
  return "{ " .. table.concat(berth.list(list), ", ") .. " }"
end

-- " port { 80, 5001:5002 }", or nothing when the list is empty (any port).
local function ports(list)
  if #list == 0 then return "" end
  return " port { " .. berth.ports(list, ", ", ":") .. " }"
end

-- pf label text: one line, no double quotes, at most 63 bytes.
local function label(services)
  local s = berth.clean(table.concat(berth.list(services), " "))
  s = s:gsub('"', "'")
  return berth.cut(s, 63)
end

emit(berth.comment(view.banner, "# "))
emit(berth.comment("host " .. view.host.name .. " " .. view.host.address ..
                   " in site " .. view.site.name, "# "))
emit("\n")
emit("block in all\n")

for _, r in ipairs(view.rules) do
  local from, to
  if r.direction == "in" then
    from = addrs(r.saddrs) .. ports(r.sports)
    -- in-rules: the host itself, or the multicast groups it receives.
    if #r.daddrs > 0 then
      to = addrs(r.daddrs)
    else
      to = "(self)"
    end
  elseif r.direction == "out" then
    local src = #r.saddrs > 0 and addrs(r.saddrs) or "(self)"
    from = src .. ports(r.sports)
    to = addrs(r.daddrs)
  else
    error("unknown direction " .. tostring(r.direction))
  end
  emit("pass ", r.direction, " quick proto ", r.proto,
       " from ", from, " to ", to, ports(r.dports),
       ' label "', label(r.services), '"\n')
end
