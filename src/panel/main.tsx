import { render } from 'preact';

render(<p>CORS Doctor</p>, document.getElementById('app')!);
