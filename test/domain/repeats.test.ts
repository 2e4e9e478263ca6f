import test from 'ava';
import { Types } from 'mongoose';
import { closedUnresolved, matchCandidates, similarity } from '../../server/domain/repeats.ts';
import { searchTokens } from '../../server/domain/text.ts';

test('similarity: a short repeat of a long report matches; unrelated text does not; tiny texts are not compared', (t) => {
  const long = searchTokens('西城区人民路与建设路口红绿灯坏了，车辆乱行很危险，请尽快修复');
  t.true(similarity(searchTokens('人民路建设路口的红绿灯不亮了'), long) >= 0.5);
  t.true(similarity(searchTokens('幸福里小区楼顶漏水天花板滴水'), long) < 0.2);
  t.is(similarity(searchTokens('路灯'), long), 0);
});

test('candidates: same phone and similar text in the same area rank first', (t) => {
  const mk = (n: string, phone: string, text: string, areaCode?: string) => ({
    _id: new Types.ObjectId(),
    number: n,
    status: 'accepted' as const,
    content: text,
    searchTokens: searchTokens(text),
    createdAt: new Date(),
    caller: { phone, phoneLast4: phone.slice(-4) },
    location: areaCode ? { areaCode } : {},
  });
  const req = { phone: '13800000001', tokens: searchTokens('湖滨街道幸福里小区电梯坏了三天'), areaCode: '369902001' };
  const out = matchCandidates(req, [
    mk('A', '13800000009', '幸福里小区电梯坏了好几天没人修', '369902001'),
    mk('B', '13800000001', '咨询社保卡补办'),
    mk('C', '13800000001', '幸福里小区电梯坏了', '369902001'),
    mk('D', '13800000009', '幸福里小区电梯坏了', '369903001'),
  ]);
  t.deepEqual(out.map((m) => m.number), ['C', 'A', 'B']);
  t.deepEqual(out[0]!.reasons, ['same_phone', 'similar_text']);
});

test('closed unresolved: by the citizen’s callback or the unit’s own result', (t) => {
  t.true(closedUnresolved({ status: 'closed', callback: { resolved: false } as never }));
  t.true(closedUnresolved({ status: 'closed', reply: { result: 'unresolved' } as never }));
  t.false(closedUnresolved({ status: 'closed', callback: { resolved: true } as never, reply: { result: 'resolved' } as never }));
  t.false(closedUnresolved({ status: 'callback', reply: { result: 'unresolved' } as never }));
});
