-- public.profiles is the app's own and stays as the app made it: no policy, grant or trigger
-- is added or replaced, so the app keeps saving users' keys itself, as the signed-in user.
-- vidprompt reads id and gemini_api_key; a column the table lacks is added here.
{{missing_columns}}
