import type { SettingKey } from './schema';

/**
 * The words of the generated IT artefacts (native-config/) in each language their templates ship in: a short
 * name and an explanation per setting, the labels of each choice, and the phrases around them. English names
 * are the schema's descriptions; Spanish is written here. A setting without its Spanish text fails to compile;
 * a drop-down choice without its labels stops the generator.
 */
export type ItLanguage = 'en-US' | 'es-ES';

export const spanishDescriptions: Record<SettingKey, string> = {
  'account.server': 'URL del servidor SIP por WebSocket (wss://, o ws:// solo hacia este equipo)',
  'account.servers':
    'Servidores SIP por WebSocket en orden de preferencia; si se indican, sustituyen a account.server: se pasa al ' +
    'siguiente cuando el anterior no responde o contesta 5xx, y se vuelve al primero cuando regresa (nunca durante una llamada)',
  'account.user': 'Dirección SIP o extensión',
  'account.authUser': 'Usuario de autorización, cuando no coincide con la parte de usuario',
  'account.displayName': 'Nombre que se envía con las llamadas',
  'ui.language': 'Idioma de la interfaz',
  'audio.microphone': 'Micrófono, recordado por identificador y nombre',
  'audio.speaker': 'Altavoz o salida de los auriculares',
  'audio.ringer': 'Dispositivo que suena con las llamadas entrantes',
  'audio.callVolume':
    'Volumen de la llamada en porcentaje; los botones de volumen de los auriculares lo mueven de 10 en 10',
  'audio.ringOnSpeakers': 'Sonar también por los altavoces predeterminados, además del dispositivo de timbre',
  'calls.rejectCode': 'Respuesta SIP que se envía cuando el agente rechaza una llamada',
  'calls.autoAnswer': 'Contestar automáticamente las llamadas entrantes',
  'calls.autoAnswerDelaySec': 'Segundos de espera antes de contestar automáticamente',
  'calls.dtmfMethod': 'Cómo se envían las pulsaciones de teclas durante una llamada',
  'calls.supervisorExtension': 'Extensión a la que llama «Consultar al supervisor»',
  'calls.screenPopHeaders': 'Cabeceras SIP que se muestran cuando entra una llamada',
  'calls.screenPop':
    'Datos del cliente que se muestran cuando entra una llamada: cada cabecera SIP con su etiqueta por idioma (en, ' +
    'es-MX, es-ES) y un enlace https:// opcional al CRM con {value} donde va el valor codificado para URL; las ' +
    'cabeceras de calls.screenPopHeaders que no estén aquí se muestran con su propio nombre',
  'calls.maxRingSec':
    'Segundos que una llamada entrante puede sonar sin respuesta antes de que el teléfono la detenga (480 Temporarily Unavailable)',
  'calls.prepareWhileRinging':
    'Preparar el audio mientras suena una llamada (el micrófono se abre, en silencio, antes de contestar) para que ' +
    'contestar conecte al instante; desactivado: el micrófono se abre solo cuando el agente contesta',
  'calls.longHoldSec': 'Segundos que un cliente pasa en espera antes de recordar al agente que vuelva con él',
  'headset.enabled': 'Usar los botones y las luces de los auriculares USB',
  'headset.ring': 'Sonar en los auriculares',
  'hotkeys.answer': 'Atajo de teclado que contesta la llamada entrante (vacío: ninguno)',
  'hotkeys.hangup': 'Atajo de teclado que cuelga la llamada en curso (vacío: ninguno)',
  'hotkeys.mute': 'Atajo de teclado que silencia o reactiva el micrófono (vacío: ninguno)',
  'hotkeys.hold': 'Atajo de teclado que retiene o recupera la llamada en curso (vacío: ninguno)',
  'hotkeys.global': 'Los atajos de teclado funcionan aunque otro programa tenga el foco (aplicación de escritorio)',
  'mute.onCallStart': 'Estado del silencio al empezar cada llamada',
  'mute.longMuteSec': 'Segundos en silencio antes de avisar al agente',
  'mute.reminderEverySec': 'Intervalo entre los avisos crecientes de silencio prolongado y de espera prolongada',
  'mute.warningSound': 'Tono suave en el oído del agente con los avisos de silencio',
  'mute.vadSensitivity': 'Sensibilidad del detector de voz con el micrófono silenciado',
  'acw.mode': 'Modo del trabajo posterior a la llamada',
  'acw.durationSec': 'Tiempo máximo del trabajo posterior a la llamada, en segundos',
  'acw.defaultDisposition': 'Tipificación que se aplica cuando se agota el trabajo posterior a la llamada',
  'acw.notReadyRejectCode': 'Respuesta SIP a las llamadas ofrecidas mientras el agente no está disponible',
  'notes.templates': 'Plantillas de notas',
  'notes.dispositions': 'Tipificaciones que se ofrecen en las notas',
  'notes.requiredFields': 'Campos de la nota que se deben rellenar',
  'notes.editWindowMin': 'Minutos durante los que una nota terminada se puede editar',
  'notes.syncUrl': 'Dirección HTTPS que recibe las llamadas terminadas y sus notas',
  'updates.mode':
    'Actualizaciones de la aplicación: desactivadas, avisar (se ofrecen al agente) o automáticas (se instalan sin llamada en curso)',
  'updates.url': 'Dirección HTTPS del canal de actualizaciones (un espejo interno); vacío: el canal del fabricante',
  'profile.url': 'Dónde se publica el perfil firmado del equipo (https:// o file://); vacío: ninguno',
  'profile.trustedKeys':
    'Claves públicas de los jefes de equipo cuyos perfiles firmados acepta este equipo, una por línea',
  'profile.team': 'Equipo cuyo perfil firmado sigue este equipo; vacío: el equipo del primer perfil aceptado',
  'profile.pollSec':
    'Segundos entre comprobaciones de un perfil de equipo nuevo (un NOTIFY check-sync del servidor SIP comprueba al momento)',
  'profile.signingKey':
    'Equipo del jefe de equipo: el archivo de clave privada que escribió `diadema profile keygen`; si está, ofrece la pantalla Perfil del equipo',
  'profile.publishTo':
    'Equipo del jefe de equipo: la carpeta o URL https:// donde publica la pantalla Perfil del equipo',
};

/** Labels of each choice a drop-down offers, by setting and value. */
export const choiceLabels: Record<string, Record<string, Record<ItLanguage, string>>> = {
  'ui.language': {
    auto: { 'en-US': 'Automatic (the system language)', 'es-ES': 'Automático (el idioma del sistema)' },
    'es-MX': { 'en-US': 'Spanish (Mexico)', 'es-ES': 'Español (México)' },
    'es-ES': { 'en-US': 'Spanish (Spain)', 'es-ES': 'Español (España)' },
    en: { 'en-US': 'English', 'es-ES': 'Inglés' },
  },
  'calls.rejectCode': {
    486: { 'en-US': '486 Busy Here', 'es-ES': '486 Ocupado (Busy Here)' },
    603: { 'en-US': '603 Decline', 'es-ES': '603 Rechazada (Decline)' },
  },
  'acw.notReadyRejectCode': {
    480: {
      'en-US': '480 Temporarily Unavailable',
      'es-ES': '480 No disponible temporalmente (Temporarily Unavailable)',
    },
    486: { 'en-US': '486 Busy Here', 'es-ES': '486 Ocupado (Busy Here)' },
    603: { 'en-US': '603 Decline', 'es-ES': '603 Rechazada (Decline)' },
  },
  'calls.dtmfMethod': {
    rfc4733: { 'en-US': 'In the audio stream (RFC 4733)', 'es-ES': 'En el flujo de audio (RFC 4733)' },
    info: { 'en-US': 'SIP INFO messages', 'es-ES': 'Mensajes SIP INFO' },
  },
  'mute.onCallStart': {
    unmuted: { 'en-US': 'Microphone on', 'es-ES': 'Micrófono activo' },
    muted: { 'en-US': 'Muted', 'es-ES': 'Silenciado' },
  },
  'mute.vadSensitivity': {
    low: { 'en-US': 'Low', 'es-ES': 'Baja' },
    medium: { 'en-US': 'Medium', 'es-ES': 'Media' },
    high: { 'en-US': 'High', 'es-ES': 'Alta' },
  },
  'acw.mode': {
    optional: { 'en-US': 'Optional', 'es-ES': 'Opcional' },
    'mandatory-manual': { 'en-US': 'Mandatory, ended by the agent', 'es-ES': 'Obligatorio, lo termina el agente' },
    'mandatory-timed': { 'en-US': 'Mandatory, timed', 'es-ES': 'Obligatorio, con tiempo' },
    'timed-no-early-exit': { 'en-US': 'Timed, cannot be ended early', 'es-ES': 'Con tiempo, sin salida anticipada' },
  },
  'updates.mode': {
    off: { 'en-US': 'Off', 'es-ES': 'Desactivadas' },
    notify: { 'en-US': 'Notify the agent', 'es-ES': 'Avisar al agente' },
    auto: { 'en-US': 'Install automatically between calls', 'es-ES': 'Instalar automáticamente entre llamadas' },
  },
};

/** The phrases around the values in explanations, labels and hints. */
export const itPhrases: Record<
  ItLanguage,
  {
    setting: (key: string) => string;
    locked: string;
    range: (min: number, max: number) => string;
    byDefault: (value: string) => string;
    boolean: string;
    value: string;
    choice: string;
    oneALine: string;
    jsonList: (example: string) => string;
    maxItems: (n: number) => string;
    maxLength: (n: number) => string;
    emptyText: string;
    category: string;
    supported: string;
  }
> = {
  'en-US': {
    setting: (key) => `Setting ${key}.`,
    locked:
      'When this policy is enabled the agent cannot change the value; when it is not configured the agent chooses.',
    range: (min, max) => `Allowed: ${min} to ${max}.`,
    byDefault: (value) => `Default: ${value}.`,
    boolean: 'Enabled: on. Disabled: off.',
    value: 'Value',
    choice: 'Choice',
    oneALine: 'One item a line.',
    jsonList: (example) => `A JSON list, for example: ${example}`,
    maxItems: (n) => `At most ${n} items.`,
    maxLength: (n) => `At most ${n} characters.`,
    emptyText: '(empty)',
    category: 'Diadema softphone',
    supported: 'Diadema 0.1 or later',
  },
  'es-ES': {
    setting: (key) => `Ajuste ${key}.`,
    locked:
      'Con esta directiva habilitada el agente no puede cambiar el valor; si no está configurada, el agente elige.',
    range: (min, max) => `Valores permitidos: de ${min} a ${max}.`,
    byDefault: (value) => `Valor predeterminado: ${value}.`,
    boolean: 'Habilitada: sí. Deshabilitada: no.',
    value: 'Valor',
    choice: 'Opción',
    oneALine: 'Un elemento por línea.',
    jsonList: (example) => `Una lista JSON, por ejemplo: ${example}`,
    maxItems: (n) => `Como máximo ${n} elementos.`,
    maxLength: (n) => `Como máximo ${n} caracteres.`,
    emptyText: '(vacío)',
    category: 'Teléfono Diadema',
    supported: 'Diadema 0.1 o posterior',
  },
};
