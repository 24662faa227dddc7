-- LeadGrid scoring query for model: B2B SaaS inbound (default) (version 2026.4)
-- dialect: tsql; one row per lead:
--   lead_id, profile_score, profile_grade, engagement_score, engagement_grade, rating, action, sla_hours
WITH [activity_values] AS (
  SELECT
    CAST([lead_id] AS VARCHAR(MAX)) AS [activity_lead_id_text],
    CASE
      WHEN CAST(SQL_VARIANT_PROPERTY([lead_id], 'BaseType') AS VARCHAR(32)) IN (
        'tinyint',
        'smallint',
        'int',
        'bigint',
        'real',
        'float',
        'decimal',
        'numeric',
        'money',
        'smallmoney'
      )
      THEN TRY_CAST(CAST([lead_id] AS VARCHAR(MAX)) AS FLOAT)
    END AS [activity_lead_id_double],
    CAST([activity] AS VARCHAR(MAX)) AS [activity_text],
    CASE
      WHEN CAST(SQL_VARIANT_PROPERTY([activity], 'BaseType') AS VARCHAR(32)) IN (
        'tinyint',
        'smallint',
        'int',
        'bigint',
        'real',
        'float',
        'decimal',
        'numeric',
        'money',
        'smallmoney'
      )
      THEN TRY_CAST(CAST([activity] AS VARCHAR(MAX)) AS FLOAT)
    END AS [activity_double],
    DATEDIFF_BIG(
      MICROSECOND,
      CAST('1970-01-01 00:00:00 +00:00' AS DATETIMEOFFSET),
      CAST(NULLIF(
        TRIM(' ' + CHAR(9) + CHAR(13) + CHAR(10) FROM CAST([occurred_at] AS VARCHAR(MAX))),
        ''
      ) AS DATETIMEOFFSET)
    ) AS [occurred_us]
  FROM [activities]
), [activity_rows] AS (
  SELECT
    CASE
      WHEN NOT [activity_lead_id_double] IS NULL
      THEN CASE
        WHEN [activity_lead_id_double] = FLOOR([activity_lead_id_double])
        AND ABS([activity_lead_id_double]) < 9.2e+18
        THEN CAST(TRY_CAST([activity_lead_id_double] AS BIGINT) AS VARCHAR(MAX))
        ELSE LOWER(CAST([activity_lead_id_double] AS VARCHAR(MAX)))
      END
      ELSE TRIM(' ' + CHAR(9) + CHAR(13) + CHAR(10) FROM [activity_lead_id_text])
    END AS [lead_key],
    CASE
      WHEN NOT [activity_double] IS NULL
      THEN CASE
        WHEN [activity_double] = FLOOR([activity_double]) AND ABS([activity_double]) < 9.2e+18
        THEN CAST(TRY_CAST([activity_double] AS BIGINT) AS VARCHAR(MAX))
        ELSE LOWER(CAST([activity_double] AS VARCHAR(MAX)))
      END
      ELSE LOWER(TRIM(' ' + CHAR(9) + CHAR(13) + CHAR(10) FROM [activity_text]))
    END AS [activity_type],
    [occurred_us]
  FROM [activity_values]
), [lead_values] AS (
  SELECT
    [lead_id] AS [lead_id],
    CAST([lead_id] AS VARCHAR(MAX)) AS [lead_id_text],
    CASE
      WHEN CAST(SQL_VARIANT_PROPERTY([lead_id], 'BaseType') AS VARCHAR(32)) IN (
        'tinyint',
        'smallint',
        'int',
        'bigint',
        'real',
        'float',
        'decimal',
        'numeric',
        'money',
        'smallmoney'
      )
      THEN TRY_CAST(CAST([lead_id] AS VARCHAR(MAX)) AS FLOAT)
    END AS [lead_id_double],
    DATEDIFF_BIG(
      MICROSECOND,
      CAST('1970-01-01 00:00:00 +00:00' AS DATETIMEOFFSET),
      CAST(NULLIF(
        TRIM(' ' + CHAR(9) + CHAR(13) + CHAR(10) FROM CAST([scored_at] AS VARCHAR(MAX))),
        ''
      ) AS DATETIMEOFFSET)
    ) AS [scored_us],
    CAST([industry] AS VARCHAR(MAX)) AS [f1_industry_text],
    CASE
      WHEN CAST(SQL_VARIANT_PROPERTY([industry], 'BaseType') AS VARCHAR(32)) IN (
        'tinyint',
        'smallint',
        'int',
        'bigint',
        'real',
        'float',
        'decimal',
        'numeric',
        'money',
        'smallmoney'
      )
      THEN TRY_CAST(CAST([industry] AS VARCHAR(MAX)) AS FLOAT)
    END AS [f1_industry_double],
    CAST([employees] AS VARCHAR(MAX)) AS [f2_employees_text],
    CASE
      WHEN CAST(SQL_VARIANT_PROPERTY([employees], 'BaseType') AS VARCHAR(32)) IN (
        'tinyint',
        'smallint',
        'int',
        'bigint',
        'real',
        'float',
        'decimal',
        'numeric',
        'money',
        'smallmoney'
      )
      THEN TRY_CAST(CAST([employees] AS VARCHAR(MAX)) AS FLOAT)
    END AS [f2_employees_double],
    CAST([annual_revenue] AS VARCHAR(MAX)) AS [f3_annual_revenue_text],
    CASE
      WHEN CAST(SQL_VARIANT_PROPERTY([annual_revenue], 'BaseType') AS VARCHAR(32)) IN (
        'tinyint',
        'smallint',
        'int',
        'bigint',
        'real',
        'float',
        'decimal',
        'numeric',
        'money',
        'smallmoney'
      )
      THEN TRY_CAST(CAST([annual_revenue] AS VARCHAR(MAX)) AS FLOAT)
    END AS [f3_annual_revenue_double],
    CAST([job_title] AS VARCHAR(MAX)) AS [f4_job_title_text],
    CASE
      WHEN CAST(SQL_VARIANT_PROPERTY([job_title], 'BaseType') AS VARCHAR(32)) IN (
        'tinyint',
        'smallint',
        'int',
        'bigint',
        'real',
        'float',
        'decimal',
        'numeric',
        'money',
        'smallmoney'
      )
      THEN TRY_CAST(CAST([job_title] AS VARCHAR(MAX)) AS FLOAT)
    END AS [f4_job_title_double],
    CAST([country] AS VARCHAR(MAX)) AS [f5_country_text],
    CASE
      WHEN CAST(SQL_VARIANT_PROPERTY([country], 'BaseType') AS VARCHAR(32)) IN (
        'tinyint',
        'smallint',
        'int',
        'bigint',
        'real',
        'float',
        'decimal',
        'numeric',
        'money',
        'smallmoney'
      )
      THEN TRY_CAST(CAST([country] AS VARCHAR(MAX)) AS FLOAT)
    END AS [f5_country_double],
    CAST([total_visits] AS VARCHAR(MAX)) AS [f6_total_visits_text],
    CASE
      WHEN CAST(SQL_VARIANT_PROPERTY([total_visits], 'BaseType') AS VARCHAR(32)) IN (
        'tinyint',
        'smallint',
        'int',
        'bigint',
        'real',
        'float',
        'decimal',
        'numeric',
        'money',
        'smallmoney'
      )
      THEN TRY_CAST(CAST([total_visits] AS VARCHAR(MAX)) AS FLOAT)
    END AS [f6_total_visits_double]
  FROM [leads]
), [lead_rows] AS (
  SELECT
    [lead_id],
    CASE
      WHEN NOT [lead_id_double] IS NULL
      THEN CASE
        WHEN [lead_id_double] = FLOOR([lead_id_double]) AND ABS([lead_id_double]) < 9.2e+18
        THEN CAST(TRY_CAST([lead_id_double] AS BIGINT) AS VARCHAR(MAX))
        ELSE LOWER(CAST([lead_id_double] AS VARCHAR(MAX)))
      END
      ELSE TRIM(' ' + CHAR(9) + CHAR(13) + CHAR(10) FROM [lead_id_text])
    END AS [lead_key],
    COALESCE(
      [scored_us],
      DATEDIFF_BIG(
        MICROSECOND,
        CAST('1970-01-01 00:00:00 +00:00' AS DATETIMEOFFSET),
        SYSDATETIMEOFFSET()
      )
    ) AS [as_of_us],
    [f1_industry_text] IS NULL
    OR TRIM(' ' + CHAR(9) + CHAR(13) + CHAR(10) FROM [f1_industry_text]) = ''
    OR (
      NOT [f1_industry_double] IS NULL AND LOWER([f1_industry_text]) LIKE '%nan%'
    ) AS [f1_industry_missing],
    CASE
      WHEN NOT [f1_industry_double] IS NULL
      THEN CASE
        WHEN [f1_industry_double] = FLOOR([f1_industry_double])
        AND ABS([f1_industry_double]) < 9.2e+18
        THEN CAST(TRY_CAST([f1_industry_double] AS BIGINT) AS VARCHAR(MAX))
        ELSE LOWER(CAST([f1_industry_double] AS VARCHAR(MAX)))
      END
      ELSE LOWER(TRIM(' ' + CHAR(9) + CHAR(13) + CHAR(10) FROM [f1_industry_text]))
    END AS [f1_industry_key],
    [f2_employees_text] IS NULL
    OR TRIM(' ' + CHAR(9) + CHAR(13) + CHAR(10) FROM [f2_employees_text]) = ''
    OR (
      NOT [f2_employees_double] IS NULL AND LOWER([f2_employees_text]) LIKE '%nan%'
    ) AS [f2_employees_missing],
    CASE
      WHEN REGEXP_LIKE(
        LOWER(
          TRIM(' ' + CHAR(9) + CHAR(13) + CHAR(10) + CHAR(11) + CHAR(12) FROM [f2_employees_text])
        ),
        '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)(e[+-]?[0-9]+)?$|^[+-]?inf(inity)?$'
      )
      THEN TRY_CAST(TRIM(' ' + CHAR(9) + CHAR(13) + CHAR(10) + CHAR(11) + CHAR(12) FROM [f2_employees_text]) AS FLOAT)
    END AS [f2_employees_number],
    [f3_annual_revenue_text] IS NULL
    OR TRIM(' ' + CHAR(9) + CHAR(13) + CHAR(10) FROM [f3_annual_revenue_text]) = ''
    OR (
      NOT [f3_annual_revenue_double] IS NULL
      AND LOWER([f3_annual_revenue_text]) LIKE '%nan%'
    ) AS [f3_annual_revenue_missing],
    CASE
      WHEN REGEXP_LIKE(
        LOWER(
          TRIM(' ' + CHAR(9) + CHAR(13) + CHAR(10) + CHAR(11) + CHAR(12) FROM [f3_annual_revenue_text])
        ),
        '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)(e[+-]?[0-9]+)?$|^[+-]?inf(inity)?$'
      )
      THEN TRY_CAST(TRIM(' ' + CHAR(9) + CHAR(13) + CHAR(10) + CHAR(11) + CHAR(12) FROM [f3_annual_revenue_text]) AS FLOAT)
    END AS [f3_annual_revenue_number],
    [f4_job_title_text] IS NULL
    OR TRIM(' ' + CHAR(9) + CHAR(13) + CHAR(10) FROM [f4_job_title_text]) = ''
    OR (
      NOT [f4_job_title_double] IS NULL AND LOWER([f4_job_title_text]) LIKE '%nan%'
    ) AS [f4_job_title_missing],
    CASE
      WHEN NOT [f4_job_title_double] IS NULL
      THEN CASE
        WHEN [f4_job_title_double] = FLOOR([f4_job_title_double])
        AND ABS([f4_job_title_double]) < 9.2e+18
        THEN CAST(TRY_CAST([f4_job_title_double] AS BIGINT) AS VARCHAR(MAX))
        ELSE LOWER(CAST([f4_job_title_double] AS VARCHAR(MAX)))
      END
      ELSE LOWER([f4_job_title_text])
    END AS [f4_job_title_lower],
    [f5_country_text] IS NULL
    OR TRIM(' ' + CHAR(9) + CHAR(13) + CHAR(10) FROM [f5_country_text]) = ''
    OR (
      NOT [f5_country_double] IS NULL AND LOWER([f5_country_text]) LIKE '%nan%'
    ) AS [f5_country_missing],
    CASE
      WHEN NOT [f5_country_double] IS NULL
      THEN CASE
        WHEN [f5_country_double] = FLOOR([f5_country_double])
        AND ABS([f5_country_double]) < 9.2e+18
        THEN CAST(TRY_CAST([f5_country_double] AS BIGINT) AS VARCHAR(MAX))
        ELSE LOWER(CAST([f5_country_double] AS VARCHAR(MAX)))
      END
      ELSE LOWER(TRIM(' ' + CHAR(9) + CHAR(13) + CHAR(10) FROM [f5_country_text]))
    END AS [f5_country_key],
    CASE
      WHEN REGEXP_LIKE(
        LOWER(
          TRIM(' ' + CHAR(9) + CHAR(13) + CHAR(10) + CHAR(11) + CHAR(12) FROM [f6_total_visits_text])
        ),
        '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)(e[+-]?[0-9]+)?$|^[+-]?inf(inity)?$'
      )
      THEN TRY_CAST(TRIM(' ' + CHAR(9) + CHAR(13) + CHAR(10) + CHAR(11) + CHAR(12) FROM [f6_total_visits_text]) AS FLOAT)
    END AS [f6_total_visits_number]
  FROM [lead_values]
), [activity_counts] AS (
  SELECT
    [lead_key],
    SUM(
      CASE
        WHEN [activity_type] = 'demo_request'
        THEN CASE
          WHEN CAST([age_days] AS FLOAT) / 30 > 1074
          THEN CAST(0 AS FLOAT)
          ELSE POWER(0.5, CAST([age_days] AS FLOAT) / 30)
        END
        ELSE CAST(0 AS FLOAT)
      END
    ) AS [a1_demo],
    SUM(
      CASE
        WHEN [activity_type] = 'pricing_page_visit'
        THEN CASE
          WHEN CAST([age_days] AS FLOAT) / 30 > 1074
          THEN CAST(0 AS FLOAT)
          ELSE POWER(0.5, CAST([age_days] AS FLOAT) / 30)
        END
        ELSE CAST(0 AS FLOAT)
      END
    ) AS [a2_pricing],
    SUM(
      CASE
        WHEN [activity_type] = 'form_submit'
        THEN CASE
          WHEN CAST([age_days] AS FLOAT) / 30 > 1074
          THEN CAST(0 AS FLOAT)
          ELSE POWER(0.5, CAST([age_days] AS FLOAT) / 30)
        END
        ELSE CAST(0 AS FLOAT)
      END
    ) AS [a3_trial],
    SUM(
      CASE
        WHEN [activity_type] = 'webinar_attended'
        THEN CASE
          WHEN CAST([age_days] AS FLOAT) / 30 > 1074
          THEN CAST(0 AS FLOAT)
          ELSE POWER(0.5, CAST([age_days] AS FLOAT) / 30)
        END
        ELSE CAST(0 AS FLOAT)
      END
    ) AS [a4_webinar],
    SUM(
      CASE
        WHEN [activity_type] = 'event_attended'
        THEN CASE
          WHEN CAST([age_days] AS FLOAT) / 30 > 1074
          THEN CAST(0 AS FLOAT)
          ELSE POWER(0.5, CAST([age_days] AS FLOAT) / 30)
        END
        ELSE CAST(0 AS FLOAT)
      END
    ) AS [a5_event],
    SUM(
      CASE
        WHEN [activity_type] = 'content_download'
        THEN CASE
          WHEN CAST([age_days] AS FLOAT) / 30 > 1074
          THEN CAST(0 AS FLOAT)
          ELSE POWER(0.5, CAST([age_days] AS FLOAT) / 30)
        END
        ELSE CAST(0 AS FLOAT)
      END
    ) AS [a6_content],
    SUM(
      CASE
        WHEN [activity_type] = 'email_click'
        THEN CASE
          WHEN CAST([age_days] AS FLOAT) / 30 > 1074
          THEN CAST(0 AS FLOAT)
          ELSE POWER(0.5, CAST([age_days] AS FLOAT) / 30)
        END
        ELSE CAST(0 AS FLOAT)
      END
    ) AS [a7_email_click],
    SUM(
      CASE
        WHEN [activity_type] = 'email_open'
        THEN CASE
          WHEN CAST([age_days] AS FLOAT) / 30 > 1074
          THEN CAST(0 AS FLOAT)
          ELSE POWER(0.5, CAST([age_days] AS FLOAT) / 30)
        END
        ELSE CAST(0 AS FLOAT)
      END
    ) AS [a8_email_open],
    SUM(
      CASE
        WHEN [activity_type] = 'unsubscribe'
        THEN CASE
          WHEN CAST([age_days] AS FLOAT) / 30 > 1074
          THEN CAST(0 AS FLOAT)
          ELSE POWER(0.5, CAST([age_days] AS FLOAT) / 30)
        END
        ELSE CAST(0 AS FLOAT)
      END
    ) AS [a9_unsubscribe]
  FROM (
    SELECT
      [l].[lead_key],
      [r].[activity_type],
      CAST([l].[as_of_us] - [r].[occurred_us] AS FLOAT) / 86400000000 AS [age_days]
    FROM [activity_rows] AS [r]
    JOIN [lead_rows] AS [l]
      ON [r].[lead_key] = [l].[lead_key]
    WHERE
      [r].[activity_type] IN (
        'content_download',
        'demo_request',
        'email_click',
        'email_open',
        'event_attended',
        'form_submit',
        'pricing_page_visit',
        'unsubscribe',
        'webinar_attended'
      )
  ) AS [aged]
  WHERE
    [age_days] >= 0 AND [age_days] <= 365
  GROUP BY
    [lead_key]
), [rule_values] AS (
  SELECT
    [l].[lead_id],
    CAST(CASE
      WHEN NOT [l].[f1_industry_missing] <> 0
      AND [l].[f1_industry_key] IN ('financial services', 'software', 'telecommunications')
      THEN 100
      WHEN NOT [l].[f1_industry_missing] <> 0
      AND [l].[f1_industry_key] IN ('healthcare', 'manufacturing', 'professional services')
      THEN 70
      WHEN NOT [l].[f1_industry_missing] <> 0
      AND [l].[f1_industry_key] IN ('logistics', 'media', 'retail')
      THEN 40
      WHEN NOT [l].[f1_industry_missing] <> 0
      AND [l].[f1_industry_key] IN ('education', 'government', 'non-profit')
      THEN 15
      WHEN [l].[f1_industry_missing] <> 0
      THEN 10
      ELSE 20
    END AS FLOAT) AS [p1_industry],
    CAST(CASE
      WHEN [l].[f2_employees_number] >= 1000
      THEN 100
      WHEN [l].[f2_employees_number] >= 200 AND [l].[f2_employees_number] < 1000
      THEN 80
      WHEN [l].[f2_employees_number] >= 50 AND [l].[f2_employees_number] < 200
      THEN 50
      WHEN [l].[f2_employees_number] >= 10 AND [l].[f2_employees_number] < 50
      THEN 20
      WHEN [l].[f2_employees_missing] <> 0
      THEN 10
      ELSE 0
    END AS FLOAT) AS [p2_company_size],
    CAST(CASE
      WHEN [l].[f3_annual_revenue_number] >= 100000000
      THEN 100
      WHEN [l].[f3_annual_revenue_number] >= 20000000
      AND [l].[f3_annual_revenue_number] < 100000000
      THEN 75
      WHEN [l].[f3_annual_revenue_number] >= 5000000
      AND [l].[f3_annual_revenue_number] < 20000000
      THEN 40
      WHEN [l].[f3_annual_revenue_missing] <> 0
      THEN 15
      ELSE 5
    END AS FLOAT) AS [p3_revenue],
    CAST(CASE
      WHEN NOT [l].[f4_job_title_missing] <> 0
      AND (
        CHARINDEX('student', [l].[f4_job_title_lower]) > 0
        OR CHARINDEX('intern', [l].[f4_job_title_lower]) > 0
        OR CHARINDEX('unemployed', [l].[f4_job_title_lower]) > 0
      )
      THEN -100
      WHEN NOT [l].[f4_job_title_missing] <> 0
      AND (
        CHARINDEX('director', [l].[f4_job_title_lower]) > 0
        OR CHARINDEX('head', [l].[f4_job_title_lower]) > 0
      )
      THEN 85
      WHEN NOT [l].[f4_job_title_missing] <> 0
      AND (
        CHARINDEX('chief', [l].[f4_job_title_lower]) > 0
        OR CHARINDEX('cto', [l].[f4_job_title_lower]) > 0
        OR CHARINDEX('cio', [l].[f4_job_title_lower]) > 0
        OR CHARINDEX('ceo', [l].[f4_job_title_lower]) > 0
        OR CHARINDEX('cfo', [l].[f4_job_title_lower]) > 0
        OR CHARINDEX('vp', [l].[f4_job_title_lower]) > 0
        OR CHARINDEX('vice president', [l].[f4_job_title_lower]) > 0
      )
      THEN 100
      WHEN NOT [l].[f4_job_title_missing] <> 0
      AND (
        CHARINDEX('manager', [l].[f4_job_title_lower]) > 0
        OR CHARINDEX('lead', [l].[f4_job_title_lower]) > 0
      )
      THEN 55
      WHEN [l].[f4_job_title_missing] <> 0
      THEN 0
      ELSE 20
    END AS FLOAT) AS [p4_job_title],
    CAST(CASE
      WHEN NOT [l].[f5_country_missing] <> 0
      AND [l].[f5_country_key] IN (
        'ca',
        'canada',
        'de',
        'gb',
        'germany',
        'uk',
        'united kingdom',
        'united states',
        'us',
        'usa'
      )
      THEN 100
      WHEN NOT [l].[f5_country_missing] <> 0
      AND [l].[f5_country_key] IN (
        'au',
        'australia',
        'denmark',
        'dk',
        'fr',
        'france',
        'netherlands',
        'nl',
        'no',
        'norway',
        'se',
        'sweden'
      )
      THEN 70
      WHEN [l].[f5_country_missing] <> 0
      THEN 20
      ELSE 30
    END AS FLOAT) AS [p5_country],
    45 * CASE
      WHEN COALESCE([c].[a1_demo], CAST(0 AS FLOAT)) > 1
      THEN CAST(1 AS FLOAT)
      ELSE COALESCE([c].[a1_demo], CAST(0 AS FLOAT))
    END AS [e1_demo],
    12 * CASE
      WHEN COALESCE([c].[a2_pricing], CAST(0 AS FLOAT)) > 3
      THEN CAST(3 AS FLOAT)
      ELSE COALESCE([c].[a2_pricing], CAST(0 AS FLOAT))
    END AS [e2_pricing],
    15 * CASE
      WHEN COALESCE([c].[a3_trial], CAST(0 AS FLOAT)) > 2
      THEN CAST(2 AS FLOAT)
      ELSE COALESCE([c].[a3_trial], CAST(0 AS FLOAT))
    END AS [e3_trial],
    12 * CASE
      WHEN COALESCE([c].[a4_webinar], CAST(0 AS FLOAT)) > 2
      THEN CAST(2 AS FLOAT)
      ELSE COALESCE([c].[a4_webinar], CAST(0 AS FLOAT))
    END AS [e4_webinar],
    10 * CASE
      WHEN COALESCE([c].[a5_event], CAST(0 AS FLOAT)) > 2
      THEN CAST(2 AS FLOAT)
      ELSE COALESCE([c].[a5_event], CAST(0 AS FLOAT))
    END AS [e5_event],
    6 * CASE
      WHEN COALESCE([c].[a6_content], CAST(0 AS FLOAT)) > 3
      THEN CAST(3 AS FLOAT)
      ELSE COALESCE([c].[a6_content], CAST(0 AS FLOAT))
    END AS [e6_content],
    3 * CASE
      WHEN COALESCE([c].[a7_email_click], CAST(0 AS FLOAT)) > 5
      THEN CAST(5 AS FLOAT)
      ELSE COALESCE([c].[a7_email_click], CAST(0 AS FLOAT))
    END AS [e7_email_click],
    1 * CASE
      WHEN COALESCE([c].[a8_email_open], CAST(0 AS FLOAT)) > 5
      THEN CAST(5 AS FLOAT)
      ELSE COALESCE([c].[a8_email_open], CAST(0 AS FLOAT))
    END AS [e8_email_open],
    -40 * COALESCE([c].[a9_unsubscribe], CAST(0 AS FLOAT)) AS [e9_unsubscribe],
    CAST(CASE
      WHEN [l].[f6_total_visits_number] >= 20
      THEN 15
      WHEN [l].[f6_total_visits_number] >= 8
      THEN 8
      WHEN [l].[f6_total_visits_number] >= 3
      THEN 3
      ELSE 0
    END AS FLOAT) AS [e10_visits]
  FROM [lead_rows] AS [l]
  LEFT JOIN [activity_counts] AS [c]
    ON [c].[lead_key] = [l].[lead_key]
), [raw_scores] AS (
  SELECT
    [lead_id],
    CAST(25 * [p1_industry] AS FLOAT) / 100 + CAST(20 * [p2_company_size] AS FLOAT) / 100 + CAST(15 * [p3_revenue] AS FLOAT) / 100 + CAST(25 * [p4_job_title] AS FLOAT) / 100 + CAST(15 * [p5_country] AS FLOAT) / 100 AS [profile_raw],
    (
      [e10_visits]
    ) + (
      [e1_demo] + [e2_pricing] + [e3_trial] + [e4_webinar] + [e5_event] + [e6_content] + [e7_email_click] + [e8_email_open] + [e9_unsubscribe]
    ) AS [engagement_raw]
  FROM [rule_values]
), [grades] AS (
  SELECT
    [lead_id],
    [profile_score],
    CASE
      WHEN [profile_score] >= CAST(69.999999999 AS FLOAT)
      THEN 'A'
      WHEN [profile_score] >= CAST(49.999999999 AS FLOAT)
      THEN 'B'
      WHEN [profile_score] >= CAST(29.999999999 AS FLOAT)
      THEN 'C'
      ELSE 'D'
    END AS [profile_grade],
    [engagement_score],
    CASE
      WHEN [engagement_score] >= CAST(54.999999999 AS FLOAT)
      THEN '1'
      WHEN [engagement_score] >= CAST(29.999999999 AS FLOAT)
      THEN '2'
      WHEN [engagement_score] >= CAST(11.999999999 AS FLOAT)
      THEN '3'
      ELSE '4'
    END AS [engagement_grade]
  FROM (
    SELECT
      [lead_id],
      CASE
        WHEN [profile_raw] < 0
        THEN CAST(0 AS FLOAT)
        WHEN [profile_raw] > 100
        THEN CAST(100 AS FLOAT)
        ELSE [profile_raw]
      END AS [profile_score],
      CASE
        WHEN [engagement_raw] < 0
        THEN CAST(0 AS FLOAT)
        WHEN [engagement_raw] > 100
        THEN CAST(100 AS FLOAT)
        ELSE [engagement_raw]
      END AS [engagement_score]
    FROM [raw_scores]
  ) AS [clipped]
), [ratings] AS (
  SELECT
    [lead_id],
    [profile_score],
    [profile_grade],
    [engagement_score],
    [engagement_grade],
    [profile_grade] + [engagement_grade] AS [rating]
  FROM [grades]
)
SELECT
  [lead_id],
  [profile_score],
  [profile_grade],
  [engagement_score],
  [engagement_grade],
  [rating],
  CASE [rating]
    WHEN 'A1'
    THEN 'sales'
    WHEN 'B1'
    THEN 'sales'
    WHEN 'A2'
    THEN 'sales'
    WHEN 'A3'
    THEN 'sales'
    WHEN 'B2'
    THEN 'sales'
    WHEN 'B3'
    THEN 'sales'
    WHEN 'C1'
    THEN 'nurture:fast-track'
    WHEN 'D4'
    THEN 'nurture:slow'
    ELSE 'nurture'
  END AS [action],
  CAST(CASE [rating]
    WHEN 'A1'
    THEN 24
    WHEN 'B1'
    THEN 24
    WHEN 'A2'
    THEN 48
    WHEN 'A3'
    THEN 48
    WHEN 'B2'
    THEN 48
    WHEN 'B3'
    THEN 48
    WHEN 'C1'
    THEN NULL
    WHEN 'D4'
    THEN NULL
    ELSE NULL
  END AS FLOAT) AS [sla_hours]
FROM [ratings]
