"""Helper outputs (out-*.jsonl) -> alliance_data_curate/importers/hsg/tenures.yaml."""
import glob, json, re, sys, unicodedata
import pandas as pd, yaml
sys.path.insert(0, '/work/main')
from alliance_data_curate.names import slug

pos = pd.read_csv('/work/staging/tenures/positions-before.csv', dtype=str, keep_default_na=False).set_index('position_id')
work = {r['position_id']: r for r in json.load(open('/work/staging/tenures/worklist.json'))}
sources, by_url, entries, stats = {}, {}, [], {}
bad = []
for f in sorted(glob.glob('/work/staging/tenures/out-*.jsonl')):
    for n, line in enumerate(open(f), 1):
        line = line.strip()
        if not line:
            continue
        try:
            r = json.loads(line)
        except Exception as e:
            bad.append((f, n, 'json')); continue
        stats[r.get('status')] = stats.get(r.get('status'), 0) + 1
        if r.get('status') != 'dated' or not r.get('tenures'):
            continue
        pid = r['position_id']
        if pid not in pos.index:
            bad.append((f, n, 'unknown position ' + pid)); continue
        p = pos.loc[pid]
        terms = []
        for t in r['tenures']:
            url = t['url'].strip()
            if url not in by_url:
                sid = "tenure-" + slug(f"{t.get('publisher','')}-{t.get('page_title','')}")[:62].strip('-')
                base, k = sid, 2
                while sid in sources:
                    sid, k = f"{base}-{k}", k + 1
                by_url[url] = sid
                sources[sid] = {'title': t.get('page_title') or url, 'publisher': t.get('publisher') or 'unknown',
                                'url': url, 'official': bool(t.get('official'))}
            term = {'start': t['start'], 'start_precision': t['start_precision']}
            if t.get('end'):
                term['end'] = t['end']; term['end_precision'] = t.get('end_precision') or 'day'
            term['source'] = by_url[url]
            term['quote'] = ' '.join(t['quote'].split())
            if t.get('end_quote'):
                term['end_quote'] = ' '.join(t['end_quote'].split())
            terms.append(term)
        RETARGET = {'william-taft-iii': 'william-taft', 'ashraf-ghani-ahmedzai': 'mohammad-ashraf-ghani', 'mohamad-ashraf-ghani': 'mohammad-ashraf-ghani', 'serge-sarkisian': 'serzh-sargsyan', 'yousuf-gillani': 'yusuf-raza-gilani', 'suharto': 'soeharto'}
        e = {'official_id': RETARGET.get(p['official_id'], p['official_id']), 'title': p['title']}
        if r.get('full_name'):
            e['full_name'] = r['full_name']
        if r.get('note'):
            e['note'] = ' '.join(r['note'].split())
        e['terms'] = terms
        entries.append(e)
merged = {}
for e in entries:
    k = (e['official_id'], e['title'])
    if k in merged:
        have = {str(t['start']) for t in merged[k]['terms']}
        merged[k]['terms'] += [t for t in e['terms'] if str(t['start']) not in have]
        merged[k]['terms'].sort(key=lambda t: str(t['start']))
    else:
        merged[k] = e
entries = sorted(merged.values(), key=lambda e: (e['official_id'], e['title']))
used_sources = {t['source'] for e in entries for t in e['terms']}
sources = {k: v for k, v in sources.items() if k in used_sources}
head = open('/work/main/alliance_data_curate/importers/hsg/tenures.yaml').read().split('version:')[0]
body = yaml.safe_dump({'version': 1, 'sources': dict(sorted(sources.items())), 'positions': entries},
                      allow_unicode=True, sort_keys=False, width=100)
open('/work/main/alliance_data_curate/importers/hsg/tenures.yaml', 'w').write(head + body)
print(stats, len(entries), 'sources', len(sources), 'bad', bad[:10])
