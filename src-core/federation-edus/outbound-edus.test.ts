import { describe, expect, it } from 'vitest';
import { presenceEdu } from './outbound-presence';
import { receiptEdu } from './outbound-receipts';
import { toDeviceEdu, toDeviceMessageId } from './outbound-to-device';
import { typingEdu } from './outbound-typing';

const outbound = {
  destination: 'b.example',
  sender: '@alice:a.example',
  type: 'm.room_key_request',
  messageId: 'DEVICE:txn1',
  messages: { '@bob:b.example': { BOBDEVICE: { action: 'request' } } },
};

describe('outbound EDU bodies', () => {
  it('m.typing names the room, the user and the flag', () => {
    expect(typingEdu({ roomId: '!r:a', userId: '@alice:a', typing: true, timeoutMs: 5 })).toEqual({
      edu_type: 'm.typing',
      content: { room_id: '!r:a', user_id: '@alice:a', typing: true },
    });
  });

  it('m.receipt nests room, type and user, with the thread inside data', () => {
    const base = { roomId: '!r:a', userId: '@alice:a', receiptType: 'm.read', eventId: '$e' };
    expect(receiptEdu({ ...base, data: { ts: 7 } })).toEqual({
      edu_type: 'm.receipt',
      content: { '!r:a': { 'm.read': { '@alice:a': { event_ids: ['$e'], data: { ts: 7 } } } } },
    });
    const threaded = receiptEdu({ ...base, threadId: '$root', data: { ts: 7 } });
    expect(threaded['content']).toEqual({
      '!r:a': {
        'm.read': { '@alice:a': { event_ids: ['$e'], data: { ts: 7, thread_id: '$root' } } },
      },
    });
  });

  it('m.direct_to_device message IDs are stable per message and destination, distinct otherwise', () => {
    const id = toDeviceMessageId(outbound);
    expect(toDeviceMessageId({ ...outbound })).toBe(id);
    expect(toDeviceMessageId({ ...outbound, destination: 'c.example' })).not.toBe(id);
    expect(toDeviceMessageId({ ...outbound, sender: '@carol:a.example' })).not.toBe(id);
    expect(toDeviceMessageId({ ...outbound, messageId: 'DEVICE:txn2' })).not.toBe(id);
    expect(toDeviceEdu(outbound)).toEqual({
      edu_type: 'm.direct_to_device',
      content: {
        sender: outbound.sender,
        type: outbound.type,
        message_id: id,
        messages: outbound.messages,
      },
    });
  });

  it('m.presence carries last_active_ago relative to now, and the status only when set', () => {
    const stored = {
      userId: '@alice:a',
      presence: 'online' as const,
      statusMsg: null,
      lastActiveTs: 1_000,
      currentlyActive: true,
      streamId: 3,
    };
    expect(presenceEdu(stored, 1_250)).toEqual({
      edu_type: 'm.presence',
      content: {
        push: [
          { user_id: '@alice:a', presence: 'online', last_active_ago: 250, currently_active: true },
        ],
      },
    });
    const withStatus = presenceEdu({ ...stored, statusMsg: 'away for lunch' }, 1_000);
    expect((withStatus['content'] as { push: { status_msg?: string }[] }).push[0]?.status_msg).toBe(
      'away for lunch',
    );
  });
});
