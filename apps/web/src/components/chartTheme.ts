// Chart colours and text sizes for the dark theme. Text follows the page's root size, which
// grows on a wall screen, so labels stay readable at 4K.

export function chartFontSize(): number {
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
  return Math.round(rem * 0.8);
}

export function categoryAxis(labels: string[]) {
  return {
    type: 'category' as const,
    data: labels,
    axisLabel: { color: '#9aa8b8', fontSize: chartFontSize() },
    axisLine: { lineStyle: { color: '#3a4658' } },
  };
}

export function countAxis() {
  return {
    type: 'value' as const,
    minInterval: 1,
    axisLabel: { color: '#9aa8b8', fontSize: chartFontSize() },
    splitLine: { lineStyle: { color: '#243041' } },
  };
}
