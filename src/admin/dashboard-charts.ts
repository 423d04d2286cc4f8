// Browser-side line charts on <canvas> for the dashboard: per-second series with a zero-based
// "nice" y axis, reference lines, gaps for missing values and a hover/touch read-out. Runs in
// the page: its source is inlined by dashboard-page.ts, so it must stay self-contained.

export interface ChartSeries {
  label: string;
  /** A CSS custom property name ("--ok") or a colour. */
  color: string;
  values: (number | null)[];
  fill?: boolean;
}

export interface ChartData {
  series: ChartSeries[];
  /** Epoch second of values[0]; one value per second. */
  startSec: number;
  /** Horizontal dashed lines (window percentiles and the like). */
  refs?: { label: string; color: string; value: number | null }[];
  format(v: number): string;
}

export interface Chart {
  draw(data: ChartData): void;
}

export interface ChartKit {
  create(host: HTMLElement): Chart;
}

export function chartKit(): ChartKit {
  const css = (name: string) =>
    name.startsWith("--") ? getComputedStyle(document.documentElement).getPropertyValue(name).trim() : name;

  function niceMax(max: number): number {
    if (!(max > 0)) return 1;
    const raw = max / 4;
    const mag = 10 ** Math.floor(Math.log10(raw));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * mag * 4 >= max) return m * mag * 4;
    return max;
  }

  function create(host: HTMLElement): Chart {
    const canvas = document.createElement("canvas");
    const tip = document.createElement("div");
    tip.className = "tip";
    host.append(canvas, tip);
    const ctx = canvas.getContext("2d");
    let last: ChartData | undefined;
    let hover: number | undefined;
    const pad = { l: 46, r: 10, t: 8, b: 20 };

    function geometry() {
      const w = host.clientWidth;
      const h = host.clientHeight;
      return { w, h, pw: Math.max(1, w - pad.l - pad.r), ph: Math.max(1, h - pad.t - pad.b) };
    }

    function render(): void {
      const data = last;
      if (!ctx || !data) return;
      const { w, h, pw, ph } = geometry();
      const dpr = window.devicePixelRatio || 1;
      if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
        canvas.width = Math.round(w * dpr);
        canvas.height = Math.round(h * dpr);
      }
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, w, h);
      const n = Math.max(2, data.series[0]?.values.length ?? 2);
      let max = 0;
      for (const s of data.series) for (const v of s.values) if (v !== null && v > max) max = v;
      for (const r of data.refs ?? []) if (r.value !== null && r.value > max) max = r.value;
      const top = niceMax(max);
      const x = (i: number) => pad.l + (i * pw) / (n - 1);
      const y = (v: number) => pad.t + ph - (v / top) * ph;
      const muted = css("--muted");
      ctx.font = "11px system-ui, sans-serif";
      ctx.lineWidth = 1;
      ctx.textBaseline = "middle";
      ctx.textAlign = "right";
      for (let k = 0; k <= 4; k++) {
        const v = (top * k) / 4;
        ctx.strokeStyle = css("--line");
        ctx.beginPath();
        ctx.moveTo(pad.l, Math.round(y(v)) + 0.5);
        ctx.lineTo(w - pad.r, Math.round(y(v)) + 0.5);
        ctx.stroke();
        ctx.fillStyle = muted;
        ctx.fillText(data.format(v), pad.l - 6, y(v));
      }
      ctx.textBaseline = "alphabetic";
      // Time marks every 15 s, 30 s or minute, fewer when the chart is narrow (a phone).
      let step = n <= 90 ? 15 : n <= 180 ? 30 : 60;
      while ((pw * step) / (n - 1) < 48) step *= 2;
      for (let off = 0; off <= n - 1; off += step) {
        const i = n - 1 - off;
        const m = Math.floor(off / 60);
        const label =
          off === 0 ? "now" : off < 60 ? `-${off}s` : off % 60 === 0 ? `-${m}m` : `-${m}m${off % 60}s`;
        ctx.textAlign = off === 0 ? "right" : i === 0 ? "left" : "center";
        ctx.fillText(label, x(i), h - 5);
      }
      for (const s of data.series) {
        const color = css(s.color);
        const runs: [number, number][][] = [];
        let run: [number, number][] = [];
        s.values.forEach((v, i) => {
          if (v === null) {
            if (run.length) runs.push(run);
            run = [];
          } else run.push([x(i), y(v)]);
        });
        if (run.length) runs.push(run);
        for (const pts of runs) {
          if (s.fill && pts.length > 1) {
            ctx.beginPath();
            ctx.moveTo(pts[0]![0], y(0));
            for (const [px, py] of pts) ctx.lineTo(px, py);
            ctx.lineTo(pts[pts.length - 1]![0], y(0));
            ctx.closePath();
            ctx.globalAlpha = 0.16;
            ctx.fillStyle = color;
            ctx.fill();
            ctx.globalAlpha = 1;
          }
          ctx.beginPath();
          for (const [k, [px, py]] of pts.entries()) {
            if (k === 0) ctx.moveTo(px, py);
            else ctx.lineTo(px, py);
          }
          if (pts.length === 1) ctx.arc(pts[0]![0], pts[0]![1], 1.5, 0, Math.PI * 2);
          ctx.strokeStyle = color;
          ctx.lineWidth = 1.6;
          ctx.lineJoin = "round";
          ctx.stroke();
        }
      }
      for (const r of data.refs ?? []) {
        if (r.value === null) continue;
        ctx.setLineDash([4, 4]);
        ctx.strokeStyle = css(r.color);
        ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.moveTo(pad.l, Math.round(y(r.value)) + 0.5);
        ctx.lineTo(w - pad.r, Math.round(y(r.value)) + 0.5);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = css(r.color);
        ctx.textAlign = "left";
        ctx.fillText(`${r.label} ${data.format(r.value)}`, pad.l + 4, y(r.value) - 4);
      }
      if (hover !== undefined && hover < n) {
        ctx.strokeStyle = muted;
        ctx.beginPath();
        ctx.moveTo(Math.round(x(hover)) + 0.5, pad.t);
        ctx.lineTo(Math.round(x(hover)) + 0.5, pad.t + ph);
        ctx.stroke();
        const at = new Date((data.startSec + hover) * 1000).toLocaleTimeString();
        const parts = data.series.map((s) => {
          const v = s.values[hover!];
          return `${s.label} ${v === null || v === undefined ? "\u2013" : data.format(v)}`;
        });
        tip.textContent = `${at} \u00b7 ${parts.join(" \u00b7 ")}`;
        tip.style.display = "block";
        const left = Math.min(Math.max(0, x(hover) - tip.offsetWidth / 2), w - tip.offsetWidth);
        tip.style.left = `${left}px`;
        tip.style.top = "0px";
      } else tip.style.display = "none";
    }

    function pointer(ev: PointerEvent): void {
      const n = last?.series[0]?.values.length ?? 0;
      const { pw } = geometry();
      const px = ev.clientX - canvas.getBoundingClientRect().left - pad.l;
      hover = n > 1 && px >= 0 && px <= pw ? Math.round((px / pw) * (n - 1)) : undefined;
      render();
    }
    canvas.addEventListener("pointermove", pointer);
    canvas.addEventListener("pointerdown", pointer);
    canvas.addEventListener("pointerleave", () => {
      hover = undefined;
      render();
    });
    new ResizeObserver(() => render()).observe(host);
    return {
      draw(data) {
        last = data;
        render();
      },
    };
  }

  return { create };
}
