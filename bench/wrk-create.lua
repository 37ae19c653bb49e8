-- POST /operations/{type} with a JSON body (BATON_WRK_BODY, default {"n":1}) for
-- `./baton bench operations`; the RESULT line and the status counts are wrk-report.lua's.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "wrk-report.lua")

wrk.method = "POST"
wrk.body = os.getenv("BATON_WRK_BODY") or '{"n":1}'
wrk.headers["Content-Type"] = "application/json"
