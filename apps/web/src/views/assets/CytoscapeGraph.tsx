// The dependency graph drawn by Cytoscape. Loaded lazily (LazyGraph), so the dashboard's first
// page does not carry the graph library. Marks (blast radius, single points of failure, drill
// picks, selection) are classes on the elements, changed without laying the graph out again.
import cytoscape, {
  type Core,
  type ElementDefinition,
  type LayoutOptions,
  type StylesheetJson,
} from 'cytoscape';
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { EDGE_TYPE_STYLES, IMPACT_BANDS, ZONE_COLOURS } from '../../lib/assetGraph';

export type GraphLayout = 'layers' | 'zones';

export interface CytoscapeGraphProps {
  elements: ElementDefinition[];
  layout: GraphLayout;
  /** classes by element id (every other element has none of the mark classes) */
  marks: ReadonlyMap<string, readonly string[]>;
  /** a node clicked (null: the background) */
  onSelect: (id: string | null) => void;
  /** a node to bring into view when it changes */
  focus: string | null;
  label: string;
}

/** Every class `marks` may set: removed before the new marks go on. */
const MARK_CLASSES = [
  'impact',
  ...IMPACT_BANDS.map((b) => `band-${b.band}`),
  'on-path',
  'survived',
  'dim',
  'spof',
  'pick',
  'selected',
].join(' ');

/** Sizes follow the page's root font size, which grows on a wall screen. */
function stylesheet(rem: number): StylesheetJson {
  const font = Math.round(rem * 0.8);
  const line = Math.max(1.5, rem / 8);
  return [
    {
      selector: 'node',
      style: {
        label: 'data(label)',
        'font-size': font,
        color: '#dce5ef',
        'text-valign': 'bottom',
        'text-margin-y': rem * 0.3,
        'text-outline-color': '#0a1017',
        'text-outline-width': Math.max(2, rem / 8),
        'text-wrap': 'wrap',
        'text-max-width': `${rem * 8}px`,
        'min-zoomed-font-size': 7,
        width: rem * 1.6,
        height: rem * 1.6,
        shape: 'round-rectangle',
        'background-color': ZONE_COLOURS.none,
        'border-width': 0,
        'border-color': '#ffffff',
      },
    },
    ...Object.entries(ZONE_COLOURS).map(([zone, colour]) => ({
      selector: `node.zone-${zone}`,
      style: { 'background-color': colour },
    })),
    { selector: 'node.vital', style: { 'border-width': Math.max(2, rem / 6) } },
    {
      selector: 'node.service',
      style: {
        shape: 'round-hexagon',
        width: rem * 2.6,
        height: rem * 2.3,
        'background-color': '#dce5ef',
        'font-weight': 'bold',
      },
    },
    {
      selector: 'node.zone-box',
      style: {
        shape: 'round-rectangle',
        'background-color': '#111a24',
        'background-opacity': 0.7,
        'border-width': 1,
        'border-color': '#3a4658',
        label: 'data(label)',
        'text-valign': 'top',
        'text-halign': 'center',
        'text-margin-y': -rem * 0.3,
        color: '#8fa0b5',
        'font-size': Math.round(font * 1.15),
        padding: `${rem}px`,
      },
    },
    {
      selector: 'edge',
      style: {
        width: line,
        'curve-style': 'bezier',
        'line-color': '#8fa0b5',
        'target-arrow-shape': 'triangle',
        'target-arrow-color': '#8fa0b5',
        'arrow-scale': 1.1,
        label: 'data(label)',
        'font-size': Math.round(font * 0.8),
        color: '#c5d0de',
        'text-background-color': '#0a1017',
        'text-background-opacity': 0.85,
        'text-background-padding': '2px',
        'text-rotation': 'autorotate',
        'min-zoomed-font-size': 8,
      },
    },
    ...Object.entries(EDGE_TYPE_STYLES).map(([type, s]) => ({
      selector: `edge.edge-${type}`,
      style: { 'line-color': s.colour, 'target-arrow-color': s.colour },
    })),
    { selector: 'edge.redundant', style: { 'line-style': 'dashed' } },
    // Marks
    { selector: '.dim', style: { opacity: 0.22 } },
    ...IMPACT_BANDS.map((b) => ({
      selector: `node.band-${b.band}`,
      style: { 'background-color': b.colour },
    })),
    {
      selector: 'node.band-root',
      style: { 'border-width': Math.max(3, rem / 4), 'border-color': '#ffffff' },
    },
    {
      selector: 'edge.on-path',
      style: {
        width: line * 2.4,
        'line-color': '#ff6b3d',
        'target-arrow-color': '#ff6b3d',
        'z-index': 10,
      },
    },
    {
      selector: 'node.survived',
      style: {
        'border-width': Math.max(3, rem / 4),
        'border-color': '#3ddc97',
        'border-style': 'double',
      },
    },
    {
      selector: 'node.spof',
      style: {
        'underlay-color': '#ff2bd6',
        'underlay-padding': rem * 0.45,
        'underlay-opacity': 0.6,
        'underlay-shape': 'ellipse',
      },
    },
    {
      selector: 'node.pick',
      style: {
        'border-width': Math.max(3, rem / 4),
        'border-color': '#ff1f4b',
        'border-style': 'dashed',
      },
    },
    {
      selector: 'node.selected',
      style: {
        'overlay-color': '#f5a524',
        'overlay-opacity': 0.3,
        'overlay-padding': rem * 0.35,
        'font-weight': 'bold',
        color: '#f5a524',
      },
    },
  ];
}

function layoutOptions(cy: Core, layout: GraphLayout): LayoutOptions {
  const nodes = cy.nodes().not('.zone-box').length;
  if (layout === 'zones')
    return {
      name: 'cose',
      animate: false,
      padding: 30,
      nodeDimensionsIncludeLabels: true,
      // Fewer rounds on large views: the force layout costs n² a round.
      numIter: nodes > 400 ? 250 : 1000,
      idealEdgeLength: () => 80,
      nodeRepulsion: () => 9000,
      nestingFactor: 0.8,
      randomize: true,
    };
  // 'layers': the elements carry their positions (layerPositions).
  return { name: 'preset', padding: 30, animate: false };
}

/** Everything in view, but a small graph not blown up past a readable size. */
function fitAll(cy: Core): void {
  cy.fit(undefined, 30);
  if (cy.zoom() > MAX_FIT_ZOOM) {
    cy.zoom(MAX_FIT_ZOOM);
    cy.center();
  }
}

const MAX_FIT_ZOOM = 2;

function applyMarks(cy: Core, marks: ReadonlyMap<string, readonly string[]>): void {
  cy.batch(() => {
    cy.elements().removeClass(MARK_CLASSES);
    for (const [id, classes] of marks) cy.getElementById(id).addClass(classes.join(' '));
  });
}

export default function CytoscapeGraph({
  elements,
  layout,
  marks,
  onSelect,
  focus,
  label,
}: CytoscapeGraphProps) {
  const el = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const selectRef = useRef(onSelect);
  selectRef.current = onSelect;
  const marksRef = useRef(marks);
  marksRef.current = marks;

  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    const cy = cytoscape({
      container: node,
      style: stylesheet(rem),
      minZoom: 0.03,
      maxZoom: 4,
      boxSelectionEnabled: false,
      autounselectify: true,
    });
    cyRef.current = cy;
    cy.on('tap', 'node', (event) => {
      const target = event.target as cytoscape.NodeSingular;
      if (!target.hasClass('zone-box')) selectRef.current(target.id());
    });
    cy.on('tap', (event) => {
      if (event.target === cy) selectRef.current(null);
    });
    const observer = new ResizeObserver(() => cy.resize());
    observer.observe(node);
    return () => {
      observer.disconnect();
      cy.destroy();
      cyRef.current = null;
    };
  }, []);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.batch(() => {
      cy.elements().remove();
      cy.add(elements);
    });
    applyMarks(cy, marksRef.current);
    cy.layout(layoutOptions(cy, layout)).run();
    fitAll(cy);
  }, [elements, layout]);

  useEffect(() => {
    if (cyRef.current) applyMarks(cyRef.current, marks);
  }, [marks]);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy || !focus) return;
    const target = cy.getElementById(focus);
    if (target.empty()) return;
    // Pan only to bring it into view: a graph that shows it already stays put.
    const p = target.renderedPosition();
    const inside = p.x > 0 && p.y > 0 && p.x < cy.width() && p.y < cy.height();
    if (!inside) cy.animate({ center: { eles: target } }, { duration: 250 });
  }, [focus]);

  const zoom = (factor: number) => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.zoom({
      level: cy.zoom() * factor,
      renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 },
    });
  };
  const fit = () => {
    if (cyRef.current) fitAll(cyRef.current);
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const cy = cyRef.current;
    if (!cy) return;
    const step = 60;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [step, 0],
      ArrowRight: [-step, 0],
      ArrowUp: [0, step],
      ArrowDown: [0, -step],
    };
    if (e.key === '+' || e.key === '=') zoom(1.25);
    else if (e.key === '-') zoom(0.8);
    else if (e.key === '0') fit();
    else if (moves[e.key]) cy.panBy({ x: moves[e.key]![0], y: moves[e.key]![1] });
    else return;
    e.preventDefault();
  };

  return (
    <div className="graph-frame">
      <div
        ref={el}
        className="graph-canvas"
        data-testid="dependency-graph"
        role="img"
        aria-label={label}
        tabIndex={0}
        onKeyDown={onKey}
      />
      <div className="graph-zoom" role="group" aria-label="Zoom">
        <button type="button" className="btn btn-small" onClick={() => zoom(1.25)} title="+">
          Zoom in
        </button>
        <button type="button" className="btn btn-small" onClick={() => zoom(0.8)} title="−">
          Zoom out
        </button>
        <button type="button" className="btn btn-small" onClick={fit} title="0">
          Fit
        </button>
      </div>
    </div>
  );
}
