-- GET /users/profile with a bearer token (wrk -s profile.lua; TOKEN from the environment).
local token = os.getenv("TOKEN")
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. token
