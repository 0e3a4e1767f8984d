-- Applies one authbridge NoPass store Change to a portal's keys, all of it or nothing (the
-- layout is described at the top of core/src/nopass/store/redis/mod.rs).
--
-- KEYS[1] portal hash, KEYS[2] registrations by expiry, KEYS[3] sessions by last change.
-- ARGV[1] key prefix `authbridge:{<portal>}:`, ARGV[2] change channel, ARGV[3] notification
-- ('' for none), ARGV[4] portal version the change was decided on, ARGV[5] the next version,
-- then the operations, each its name and a fixed number of arguments (see ARITY).
--
-- Every key is in the portal's hash tag, so in a cluster the per-record keys built from the
-- prefix are in the same slot as KEYS. Redis does not roll a script back, so every
-- expectation is checked before the first write. Versions are compared as strings: they are
-- u64 and Lua's numbers are doubles.
-- Returns 'ok', or 'conflict:<what>' when an expectation no longer holds.

local portal_key, regs_key, sessions_key = KEYS[1], KEYS[2], KEYS[3]
local prefix, channel, notice = ARGV[1], ARGV[2], ARGV[3]
local next_version = ARGV[5]

local ARITY = { portal = 2, put_reg = 4, take_reg = 2, insert = 6, update = 7, purge = 3, reset = 2 }

local function reg_key(hex) return prefix .. 'reg:' .. hex end
local function session_key(handle) return prefix .. 'session:' .. handle end
local function auth_key(hex) return prefix .. 'auth:' .. hex end

-- Whether the authId digest `auth` (hex, '' for none) is unused or already the session's own.
local function auth_free(auth, handle)
  if auth == '' then return true end
  local owner = redis.call('GET', auth_key(auth))
  return (not owner) or owner == handle
end

local function drop_session(handle)
  local key = session_key(handle)
  local auth = redis.call('HGET', key, 'auth')
  if auth and auth ~= '' and redis.call('GET', auth_key(auth)) == handle then
    redis.call('DEL', auth_key(auth))
  end
  redis.call('DEL', key)
end

local function write_session(handle, auth, version, record, updated_at)
  local key = session_key(handle)
  local old = redis.call('HGET', key, 'auth')
  if old and old ~= '' and old ~= auth and redis.call('GET', auth_key(old)) == handle then
    redis.call('DEL', auth_key(old))
  end
  if auth ~= '' then
    redis.call('SET', auth_key(auth), handle)
  end
  redis.call('HSET', key, 'version', version, 'auth', auth, 'record', record)
  redis.call('ZADD', sessions_key, updated_at, handle)
end

if (redis.call('HGET', portal_key, 'version') or '0') ~= ARGV[4] then
  return 'conflict:the portal record changed'
end

local ops = {}
local i = 6
while i <= #ARGV do
  local n = ARITY[ARGV[i]]
  if not n then
    return redis.error_reply('authbridge: unknown store operation ' .. tostring(ARGV[i]))
  end
  if i + n - 1 > #ARGV then
    return redis.error_reply('authbridge: store operation ' .. ARGV[i] .. ' lacks arguments')
  end
  ops[#ops + 1] = { unpack(ARGV, i, i + n - 1) }
  i = i + n
end

for _, op in ipairs(ops) do
  local name = op[1]
  if name == 'put_reg' and redis.call('EXISTS', reg_key(op[2])) == 1 then
    return 'conflict:the registration exists already'
  elseif name == 'take_reg' and redis.call('EXISTS', reg_key(op[2])) == 0 then
    return 'conflict:the registration was used or removed'
  elseif name == 'insert' then
    if redis.call('EXISTS', session_key(op[2])) == 1 or not auth_free(op[3], op[2]) then
      return 'conflict:the session exists already'
    end
  elseif name == 'update' then
    if redis.call('HGET', session_key(op[2]), 'version') ~= op[3] or not auth_free(op[4], op[2]) then
      return 'conflict:the session changed'
    end
  end
end

for _, op in ipairs(ops) do
  local name = op[1]
  if name == 'portal' then
    redis.call('HSET', portal_key, 'version', next_version, 'record', op[2])
  elseif name == 'put_reg' then
    redis.call('SET', reg_key(op[2]), op[3])
    redis.call('ZADD', regs_key, op[4], op[2])
  elseif name == 'take_reg' then
    redis.call('DEL', reg_key(op[2]))
    redis.call('ZREM', regs_key, op[2])
  elseif name == 'insert' then
    write_session(op[2], op[3], op[4], op[5], op[6])
  elseif name == 'update' then
    write_session(op[2], op[4], op[5], op[6], op[7])
  elseif name == 'purge' then
    -- Registrations that expired by the cut-off, sessions last changed before theirs.
    for _, hex in ipairs(redis.call('ZRANGEBYSCORE', regs_key, '-inf', op[2])) do
      redis.call('DEL', reg_key(hex))
    end
    redis.call('ZREMRANGEBYSCORE', regs_key, '-inf', op[2])
    local before = '(' .. op[3]
    for _, handle in ipairs(redis.call('ZRANGEBYSCORE', sessions_key, '-inf', before)) do
      drop_session(handle)
    end
    redis.call('ZREMRANGEBYSCORE', sessions_key, '-inf', before)
  elseif name == 'reset' then
    for _, hex in ipairs(redis.call('ZRANGE', regs_key, 0, -1)) do
      redis.call('DEL', reg_key(hex))
    end
    for _, handle in ipairs(redis.call('ZRANGE', sessions_key, 0, -1)) do
      drop_session(handle)
    end
    redis.call('DEL', regs_key, sessions_key)
    redis.call('HSET', portal_key, 'version', next_version, 'record', op[2])
  end
end

if notice ~= '' then
  redis.call('PUBLISH', channel, notice)
end
return 'ok'
