-- pcall cannot swallow the stop: the hook fires again at once.
while true do pcall(function() while true do end end) end
