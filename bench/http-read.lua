-- wrk script for bench/http-read.sh: GET /v1/cases/demo-NNNNNN of a random
-- demo case with the bearer token in $KT_TOKEN ($KT_CASES cases).
local n = tonumber(os.getenv("KT_CASES") or "1000")
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("KT_TOKEN") or "")
request = function()
    return wrk.format("GET", string.format("/v1/cases/demo-%06d", math.random(0, n - 1)))
end
