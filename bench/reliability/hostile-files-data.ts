/** The good data the corrupt-files drill writes through the core and expects to find again. */
export const goodSettings: Record<string, unknown> = { 'ui.language': 'es-MX', 'calls.rejectCode': 603 };
export const goodNote = { callId: 'bench-files-call', text: 'Cliente pide baja; devolver llamada mañana 🙂' };
