-- POST the JSON body in VB_BODY_FILE to VB_PATH with the bench key, built once by wrk.
dofile(os.getenv("VB_WRK_DIR") .. "/report.lua")

local f = assert(io.open(os.getenv("VB_BODY_FILE"), "rb"))
local body = f:read("*a")
f:close()

wrk.method = "POST"
wrk.path = os.getenv("VB_PATH")
wrk.body = body
wrk.headers["Authorization"] = "Bearer " .. os.getenv("VB_KEY")
wrk.headers["Content-Type"] = "application/json"
