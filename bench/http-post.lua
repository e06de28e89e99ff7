-- wrk script for bench/http.sh: POST the case in $KT_CASE to the URL.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open(os.getenv("KT_CASE") or "examples/borger-17.json", "rb"))
wrk.body = f:read("*a")
f:close()
