// ECharts with only the parts the dashboard draws (bars, a grid, tooltip, legend, canvas), so
// the chart code stays small; loaded lazily by the views that show charts.
import { BarChart, type BarSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
  type GridComponentOption,
  type LegendComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { init, use as registerParts, type ComposeOption, type EChartsType } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { chartFontSize } from './chartTheme';

registerParts([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = ComposeOption<
  BarSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption
>;

export interface ChartProps {
  option: ChartOption;
  label: string;
  className?: string;
  onBarClick?: (dataIndex: number) => void;
}

export default function Chart({ option, label, className = '', onBarClick }: ChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  const clickRef = useRef(onBarClick);
  clickRef.current = onBarClick;

  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const instance = init(node, null, { renderer: 'canvas' });
    chart.current = instance;
    instance.on('click', (params) => {
      if (typeof params.dataIndex === 'number') clickRef.current?.(params.dataIndex);
    });
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(node);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const fontSize = chartFontSize();
    chart.current?.setOption(
      {
        backgroundColor: 'transparent',
        textStyle: { color: '#c5d0de', fontSize },
        tooltip: { textStyle: { fontSize } },
        ...option,
        ...(option.legend !== undefined && {
          legend: { textStyle: { color: '#c5d0de', fontSize }, ...option.legend },
        }),
      },
      { notMerge: true },
    );
  }, [option]);

  return <div ref={el} className={`chart ${className}`} role="img" aria-label={label} />;
}
