-- GET VB_PATH with the bench key: a request wrk builds once (no per-request Lua).
dofile(os.getenv("VB_WRK_DIR") .. "/report.lua")

wrk.method = "GET"
wrk.path = os.getenv("VB_PATH")
wrk.headers["Authorization"] = "Bearer " .. os.getenv("VB_KEY")
