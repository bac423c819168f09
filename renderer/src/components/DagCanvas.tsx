/**
 * The DAG on one canvas: drag to pan, wheel to zoom around the pointer, click to select. Repaints
 * are coalesced into one animation frame; the layout itself lives in the RoomGraph and is never
 * recomputed here.
 */
import { forwardRef, useCallback, useEffect, useImperativeHandle, useRef } from 'react';
import type { DisplayRows } from '../dag/chain-collapse';
import type { Camera, Palette, PaintOptions } from '../dag/dag-painter';
import { MARGIN, hitTest, nodeX, nodeY, paintDag, worldSize } from '../dag/dag-painter';
import type { RoomGraph } from '../dag/room-graph';

export interface DagCanvasHandle {
  fit(): void;
  centreOn(eventId: string): void;
  /** The top of the DAG (the oldest events) at a readable scale. */
  showTop(): void;
}

const PALETTE_VARS: Record<keyof Palette, string> = {
  background: '--dag-background',
  edge: '--dag-edge',
  authEdge: '--dag-auth-edge',
  full: '--dag-full',
  partial: '--dag-partial',
  rejected: '--dag-rejected',
  softFailed: '--dag-soft-failed',
  outlier: '--dag-outlier',
  join: '--dag-join',
  reset: '--dag-reset',
  selection: '--dag-selection',
  cursor: '--dag-cursor',
  text: '--text',
};

function readPalette(element: Element): Palette {
  const style = getComputedStyle(element);
  const palette = {} as Palette;
  for (const [key, variable] of Object.entries(PALETTE_VARS)) {
    palette[key as keyof Palette] = style.getPropertyValue(variable).trim() || '#888';
  }
  return palette;
}

interface Props {
  graph: RoomGraph;
  rows: DisplayRows;
  /** Changes whenever the graph changed (flags or rows): repaint. */
  version: number;
  theme: string;
  options: PaintOptions;
  onSelect: (eventId: string) => void;
}

export const DagCanvas = forwardRef<DagCanvasHandle, Props>(function DagCanvas(props, ref) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const camera = useRef<Camera>({ x: 0, y: 0, scale: 1 });
  const frame = useRef<number | null>(null);
  const palette = useRef<Palette | null>(null);
  const latest = useRef(props);
  latest.current = props;

  const paint = useCallback(() => {
    if (frame.current !== null) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      const canvas = canvasRef.current;
      const context = canvas?.getContext('2d');
      if (!canvas || !context) return;
      const ratio = window.devicePixelRatio || 1;
      const width = canvas.clientWidth;
      const height = canvas.clientHeight;
      if (
        canvas.width !== Math.round(width * ratio) ||
        canvas.height !== Math.round(height * ratio)
      ) {
        canvas.width = Math.round(width * ratio);
        canvas.height = Math.round(height * ratio);
      }
      palette.current ??= readPalette(canvas);
      const { graph, rows, options } = latest.current;
      const scaled: Camera = { ...camera.current, scale: camera.current.scale * ratio };
      const started = performance.now();
      paintDag(
        context,
        { width: canvas.width, height: canvas.height },
        graph,
        rows,
        scaled,
        palette.current,
        options,
      );
      // Read by the browser benchmark (issue 5: ≥ 50 fps with 20,000 events).
      canvas.dataset['paintMs'] = (performance.now() - started).toFixed(2);
      canvas.dataset['paints'] = String(Number(canvas.dataset['paints'] ?? '0') + 1);
    });
  }, []);

  const fit = useCallback(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const world = worldSize(latest.current.graph, latest.current.rows);
    const scale = Math.min(
      2,
      Math.max(
        0.002,
        Math.min(canvas.clientWidth / world.width, canvas.clientHeight / world.height),
      ),
    );
    camera.current = { x: 0, y: 0, scale };
    paint();
  }, [paint]);

  const centreOn = useCallback(
    (eventId: string) => {
      const canvas = canvasRef.current;
      const { graph, rows } = latest.current;
      const layoutRow = graph.layout.rowOf(eventId);
      if (!canvas || layoutRow === undefined) return;
      const scale = Math.max(camera.current.scale, 0.6);
      const x = nodeX(graph.layout.laneAt(layoutRow));
      const y = nodeY(rows.displayRowOf[layoutRow] as number);
      camera.current = {
        scale,
        x: Math.min(x - MARGIN, x - canvas.clientWidth / scale / 3),
        y: y - canvas.clientHeight / scale / 2,
      };
      paint();
    },
    [paint],
  );

  const showTop = useCallback(() => {
    camera.current = { x: 0, y: 0, scale: 1 };
    paint();
  }, [paint]);

  useImperativeHandle(ref, () => ({ fit, centreOn, showTop }), [fit, centreOn, showTop]);

  useEffect(() => {
    palette.current = null;
    paint();
  }, [props.theme, paint]);

  useEffect(paint, [props.version, props.rows, props.options, paint]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const observer = new ResizeObserver(() => paint());
    observer.observe(canvas);
    // Wheel must be non-passive to keep the page from scrolling while zooming.
    const onWheel = (event: WheelEvent): void => {
      event.preventDefault();
      const rect = canvas.getBoundingClientRect();
      const px = event.clientX - rect.left;
      const py = event.clientY - rect.top;
      const current = camera.current;
      const factor = Math.exp(-event.deltaY * 0.0015);
      const scale = Math.min(8, Math.max(0.002, current.scale * factor));
      const worldX = current.x + px / current.scale;
      const worldY = current.y + py / current.scale;
      camera.current = { scale, x: worldX - px / scale, y: worldY - py / scale };
      paint();
    };
    canvas.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      observer.disconnect();
      canvas.removeEventListener('wheel', onWheel);
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      frame.current = null;
    };
  }, [paint]);

  const drag = useRef<{ x: number; y: number; moved: boolean } | null>(null);

  return (
    <canvas
      ref={canvasRef}
      className="dag-canvas"
      role="img"
      aria-label="Room DAG: events by topological order, one lane per branch"
      onPointerDown={(event) => {
        drag.current = { x: event.clientX, y: event.clientY, moved: false };
        event.currentTarget.setPointerCapture(event.pointerId);
      }}
      onPointerMove={(event) => {
        const start = drag.current;
        if (!start) return;
        const dx = event.clientX - start.x;
        const dy = event.clientY - start.y;
        if (!start.moved && Math.abs(dx) + Math.abs(dy) < 3) return;
        start.moved = true;
        camera.current = {
          ...camera.current,
          x: camera.current.x - dx / camera.current.scale,
          y: camera.current.y - dy / camera.current.scale,
        };
        start.x = event.clientX;
        start.y = event.clientY;
        paint();
      }}
      onPointerUp={(event) => {
        const start = drag.current;
        drag.current = null;
        if (!start || start.moved) return;
        const rect = event.currentTarget.getBoundingClientRect();
        const hit = hitTest(
          latest.current.graph,
          latest.current.rows,
          camera.current,
          event.clientX - rect.left,
          event.clientY - rect.top,
        );
        if (hit !== undefined) latest.current.onSelect(hit);
      }}
    />
  );
});
