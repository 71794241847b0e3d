-- A template that never ends: the instruction limit stops it.
while true do end
