-- GET VB_PATH_PREFIX .. id .. VB_PATH_SUFFIX for an id drawn at random (fixed seed) from
-- VB_IDS_FILE (one id a line): polls spread over every stored task, not one hot entry.
dofile(os.getenv("VB_WRK_DIR") .. "/report.lua")

local prefix = os.getenv("VB_PATH_PREFIX")
local suffix = os.getenv("VB_PATH_SUFFIX") or ""
local headers = { ["Authorization"] = "Bearer " .. os.getenv("VB_KEY") }
local ids = {}
local count = 0

function init(args)
   for line in io.lines(os.getenv("VB_IDS_FILE")) do
      if #line > 0 then
         count = count + 1
         ids[count] = line
      end
   end
   assert(count > 0, "no ids in " .. os.getenv("VB_IDS_FILE"))
   math.randomseed(7)
end

function request()
   return wrk.format("GET", prefix .. ids[math.random(count)] .. suffix, headers)
end
