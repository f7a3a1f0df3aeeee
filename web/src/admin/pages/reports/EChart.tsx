// One ECharts chart in React, with only the charts and components the dashboard draws (echarts/core), so its chunk
// stays small and loads with the dashboard alone. A click anywhere in a category's column (or a slice) picks it.

import {
  BarChart,
  type BarSeriesOption,
  LineChart,
  type LineSeriesOption,
  PieChart,
  type PieSeriesOption,
} from 'echarts/charts';
import {
  GridComponent,
  type GridComponentOption,
  LegendComponent,
  type LegendComponentOption,
  TooltipComponent,
  type TooltipComponentOption,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = echarts.ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | PieSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
>;

interface EChartProps {
  option: ChartOption;
  height: number;
  /** Which way the categories run: `x` columns, `y` rows, `item` pie slices. */
  pick: 'x' | 'y' | 'item';
  /** The index of the category (or slice) clicked. */
  onPick: (index: number) => void;
  testId: string;
  /** Said to screen readers and shown as the chart's tooltip in tests. */
  label: string;
}

export function EChart({ option, height, pick, onPick, testId, label }: EChartProps) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const pickRef = useRef(onPick);
  pickRef.current = onPick;
  const optionRef = useRef(option);
  optionRef.current = option;

  useEffect(() => {
    const dom = element.current;
    if (!dom) return;
    const instance = echarts.init(dom, undefined, { renderer: 'canvas' });
    chart.current = instance;
    instance.setOption(optionRef.current);
    const zr = instance.getZr();
    /** The category under a point inside the grid, or null. */
    const categoryAt = (x: number, y: number): number | null => {
      if (pick === 'item' || !instance.containPixel('grid', [x, y])) return null;
      const value = instance.convertFromPixel({ gridIndex: 0 }, [x, y]) as number[] | undefined;
      const index = value?.[pick === 'x' ? 0 : 1];
      return typeof index === 'number' && Number.isFinite(index) ? Math.round(index) : null;
    };
    zr.on('click', (event) => {
      const index = categoryAt(event.offsetX, event.offsetY);
      if (index !== null && index >= 0) pickRef.current(index);
    });
    zr.on('mousemove', (event) => {
      if (categoryAt(event.offsetX, event.offsetY) !== null) zr.setCursorStyle('pointer');
    });
    if (pick === 'item') {
      instance.on('click', (params) => {
        if (typeof params.dataIndex === 'number') pickRef.current(params.dataIndex);
      });
    }
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(dom);
    return () => {
      resize.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, [pick]);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={element} role="img" aria-label={label} data-testid={testId} style={{ width: '100%', height }} />;
}
