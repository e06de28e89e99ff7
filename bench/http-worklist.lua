-- wrk script for bench/http-worklist.sh: GET /v1/worklist as a caseworker
-- would, with the bearer token in $KT_TOKEN: the jobcentre's default list,
-- one of 8 caseworkers' lists, or a later page, in turn.
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("KT_TOKEN") or "")
local paths = { "/v1/worklist", "/v1/worklist?offset=50", "/v1/worklist?offset=1000" }
for i = 1, 8 do paths[#paths + 1] = string.format("/v1/worklist?caseworker=cw-%02d", i) end
local k = 0
request = function()
    k = k + 1
    return wrk.format("GET", paths[(k % #paths) + 1])
end
