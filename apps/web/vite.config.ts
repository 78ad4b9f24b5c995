import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev -w apps/web` serves the dashboard with hot reload on :5173 and passes the API to
// a server started with `npm start` (port 7700). The production build goes to dist/, which the
// server serves at /.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 900,
  },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:7700', changeOrigin: false },
    },
  },
});
