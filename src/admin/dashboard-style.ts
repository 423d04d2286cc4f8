// The dashboard's and login page's CSS: one stylesheet, dark by default with a light scheme,
// laid out in fluid grids that fold to one column on a phone. No fonts or images are fetched.

export const DASHBOARD_CSS = `
:root{color-scheme:dark;--bg:#0d1117;--panel:#151b23;--panel2:#1b222c;--line:#262f3b;--text:#e6edf3;
--muted:#8b98a8;--accent:#38bdf8;--ok:#3fb950;--warn:#d29922;--err:#f85149;--tok:#a78bfa;--lat:#2dd4bf;
--fly:#f0a04b;--radius:10px;--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
@media (prefers-color-scheme:light){:root{color-scheme:light;--bg:#f5f7fa;--panel:#fff;--panel2:#f0f3f7;
--line:#dde3ea;--text:#18202a;--muted:#5b6776;--accent:#0284c7;--ok:#1a7f37;--warn:#9a6700;--err:#cf222e;
--tok:#7c3aed;--lat:#0f9488;--fly:#c2570c}}
*{box-sizing:border-box}
html,body{margin:0;background:var(--bg);color:var(--text);
font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Ubuntu,sans-serif;-webkit-text-size-adjust:100%}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
header{display:flex;align-items:center;gap:12px;flex-wrap:wrap;padding:14px 20px;border-bottom:1px solid var(--line);
background:var(--panel);position:sticky;top:0;z-index:5}
.brand{font-weight:700;font-size:18px;letter-spacing:.3px;display:flex;align-items:center;gap:8px}
.brand svg{width:20px;height:20px}
.brand small{font-weight:400;color:var(--muted);font-size:13px}
.spacer{flex:1}
.logout{margin:0}.logout button{font:inherit;font-size:12.5px;color:var(--muted);background:none;
border:1px solid var(--line);border-radius:6px;padding:2px 8px;cursor:pointer}
.logout button:hover{color:var(--text)}
.meta{color:var(--muted);font-size:12.5px;font-variant-numeric:tabular-nums}
.pill{display:inline-flex;align-items:center;gap:6px;padding:3px 10px;border-radius:999px;font-size:12px;
font-weight:600;background:var(--panel2);border:1px solid var(--line)}
.pill::before{content:"";width:8px;height:8px;border-radius:50%;background:var(--muted)}
.pill.live::before{background:var(--ok);box-shadow:0 0 0 3px color-mix(in srgb,var(--ok) 25%,transparent)}
.pill.down::before{background:var(--err)}
main{padding:16px 20px 28px;max-width:1500px;margin:0 auto;display:flex;flex-direction:column;gap:16px}
.alert{display:none;padding:10px 14px;border-radius:var(--radius);font-weight:600;
border:1px solid color-mix(in srgb,var(--err) 55%,transparent);background:color-mix(in srgb,var(--err) 14%,var(--panel))}
.alert.on{display:block}.alert.warn{border-color:color-mix(in srgb,var(--warn) 55%,transparent);
background:color-mix(in srgb,var(--warn) 14%,var(--panel))}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px}
.kpi{background:var(--panel);border:1px solid var(--line);border-radius:var(--radius);padding:12px 14px}
.kpi .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.6px}
.kpi .value{font-size:24px;font-weight:650;margin-top:2px;font-variant-numeric:tabular-nums;white-space:nowrap}
.kpi .sub{color:var(--muted);font-size:12px;margin-top:2px;font-variant-numeric:tabular-nums}
.kpi.bad .value{color:var(--err)}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,460px),1fr));gap:16px}
.card{background:var(--panel);border:1px solid var(--line);border-radius:var(--radius);padding:12px 14px;min-width:0}
.card h2{margin:0 0 8px;font-size:13px;font-weight:650;color:var(--muted);text-transform:uppercase;
letter-spacing:.6px;display:flex;gap:10px;align-items:baseline}
.card h2 .legend{margin-left:auto;text-transform:none;letter-spacing:0;font-weight:500;display:flex;gap:10px}
.legend i{display:inline-block;width:10px;height:3px;border-radius:2px;margin-right:4px;vertical-align:middle}
.chart{position:relative;height:170px}
.chart canvas{width:100%;height:100%;display:block;touch-action:pan-y}
.grid3{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,380px),1fr));gap:16px}
.wide{grid-column:1/-1}
.tall{max-height:560px;overflow:auto}
.tall thead th{position:sticky;top:0;background:var(--panel);z-index:1}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{width:100%;border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:13px}
th,td{padding:6px 8px;text-align:right;white-space:nowrap;border-bottom:1px solid var(--line)}
th{color:var(--muted);font-weight:600;font-size:11.5px;text-transform:uppercase;letter-spacing:.5px}
th:first-child,td:first-child{text-align:left}
td.l,th.l{text-align:left}
tbody tr:hover{background:var(--panel2)}
td.key{max-width:280px;overflow:hidden;text-overflow:ellipsis;font-family:var(--mono);font-size:12.5px}
.empty{color:var(--muted);text-align:center;padding:18px}
.code{display:inline-block;min-width:40px;text-align:center;padding:1px 6px;border-radius:6px;font-weight:650;
font-family:var(--mono);font-size:12px;background:var(--panel2)}
.c2{color:var(--ok)}.c3{color:var(--accent)}.c4{color:var(--warn)}.c5{color:var(--err)}
.bar{height:6px;border-radius:3px;background:var(--accent);min-width:2px}
.barcell{width:40%}.b4 .bar{background:var(--warn)}.b5 .bar{background:var(--err)}
.muted{color:var(--muted)}
footer{color:var(--muted);font-size:12.5px;display:flex;flex-wrap:wrap;gap:8px 18px;padding:0 2px}
.tip{position:absolute;pointer-events:none;background:var(--panel2);border:1px solid var(--line);border-radius:6px;
padding:4px 8px;font-size:12px;white-space:nowrap;display:none;font-variant-numeric:tabular-nums;z-index:2}
.login{max-width:360px;margin:12vh auto;padding:24px}
.login form{display:flex;flex-direction:column;gap:10px}
.login input{font:inherit;padding:9px 10px;border-radius:8px;border:1px solid var(--line);background:var(--bg);color:var(--text)}
.login button{font:inherit;font-weight:650;padding:9px;border-radius:8px;border:0;background:var(--accent);color:#fff;cursor:pointer}
.login .err{color:var(--err);font-size:13px}
@media (max-width:640px){header{padding:10px 12px}main{padding:12px 10px 20px;gap:12px}
.kpis{grid-template-columns:repeat(2,1fr);gap:8px}.kpi .value{font-size:20px}.chart{height:150px}
.meta{width:100%}}
`;
