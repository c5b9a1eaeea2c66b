import asyncio, time
from tests.robustness.test_socketio_bad_input import Chat
async def test_dbg(stack):
    async with Chat(stack["url"]) as chat:
        orig_put = chat.messages.put
        t0 = time.time()
        @chat.client.on("bot_typing")
        async def bt(data):
            print("typing", data, round(time.time()-t0, 2))
            if isinstance(data, dict) and data.get("typing") is False: chat.done.set()
        await chat.send_raw(5)
        print("replies", await chat.replies(timeout=3), round(time.time()-t0,2))
        r = await chat.say("Was ist die MBE?")
        print("say", len(r), round(time.time()-t0,2))
