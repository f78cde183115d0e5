/* The bundled entry of bench/run.mjs. */
export {main} from './main';
