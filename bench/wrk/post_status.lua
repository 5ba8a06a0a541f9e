-- Like post.lua, and counts every answer whose status is not VB_EXPECT_STATUS (for the
-- invalid submit, where 4xx is the right answer and only a different status is a failure).
dofile(os.getenv("VB_WRK_DIR") .. "/post.lua")

local expected = tonumber(os.getenv("VB_EXPECT_STATUS"))
unexpected = 0

function response(status, headers, body)
   if status ~= expected then
      unexpected = unexpected + 1
   end
end
